//! `random`: start at a random segment and walk the list, spreading load without any bookkeeping.

use std::sync::Arc;

use super::{MountedSegment, PlacementRequest, PlacementStrategy};

#[derive(Debug)]
pub struct Random;

impl PlacementStrategy for Random {
    fn order(&self, candidates: &mut [Arc<MountedSegment>], _request: &PlacementRequest<'_>) {
        if candidates.len() > 1 {
            let start = rand::random_range(0..candidates.len());
            candidates.rotate_left(start);
        }
    }
}
