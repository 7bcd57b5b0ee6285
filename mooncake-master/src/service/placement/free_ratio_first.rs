//! `free_ratio_first`: the emptiest segments (by free fraction) first, which evens out usage across
//! nodes of different sizes.

use std::sync::Arc;

use super::{MountedSegment, PlacementRequest, PlacementStrategy};

#[derive(Debug)]
pub struct FreeRatioFirst;

impl PlacementStrategy for FreeRatioFirst {
    fn order(&self, candidates: &mut [Arc<MountedSegment>], _request: &PlacementRequest<'_>) {
        candidates.sort_by(|a, b| b.free_ratio().total_cmp(&a.free_ratio()));
    }
}
