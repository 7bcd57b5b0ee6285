//! `cxl`: segments backed by CXL-attached memory first, keeping local DRAM for latency-sensitive data;
//! random among each group.

use std::sync::Arc;

use super::random::Random;
use super::{MountedSegment, PlacementRequest, PlacementStrategy};

#[derive(Debug)]
pub struct Cxl;

impl PlacementStrategy for Cxl {
    fn order(&self, candidates: &mut [Arc<MountedSegment>], request: &PlacementRequest<'_>) {
        Random.order(candidates, request);
        candidates.sort_by_key(|s| !s.spec.cxl);
    }
}
