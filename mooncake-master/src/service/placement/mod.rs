//! Where new replicas go: one [`PlacementStrategy`] per `allocation_strategy`, one file each, and the
//! shared walk ([`choose`]) that honours preferred segments and keeps replicas on distinct segments.

mod cxl;
mod free_ratio_first;
mod local_first;
mod random;

use std::sync::Arc;

use super::config::AllocationStrategyKind;
use super::segments::MountedSegment;

/// What the strategy knows about the put being placed.
#[derive(Debug)]
pub struct PlacementRequest<'a> {
    pub len: u64,
    pub replica_num: usize,
    /// The writer's host, when known (for `local_first` and `prefer_alloc_in_same_node`).
    pub writer_host: Option<&'a str>,
    pub prefer_same_node: bool,
}

/// Orders the allocatable segments; [`choose`] then tries them in that order.
pub trait PlacementStrategy: Send + Sync + std::fmt::Debug {
    fn order(&self, candidates: &mut [Arc<MountedSegment>], request: &PlacementRequest<'_>);
}

/// The strategy for a configured kind.
pub fn strategy(kind: AllocationStrategyKind) -> Box<dyn PlacementStrategy> {
    match kind {
        AllocationStrategyKind::Random => Box::new(random::Random),
        AllocationStrategyKind::FreeRatioFirst => Box::new(free_ratio_first::FreeRatioFirst),
        AllocationStrategyKind::LocalFirst => Box::new(local_first::LocalFirst),
        AllocationStrategyKind::Cxl => Box::new(cxl::Cxl),
    }
}

/// Moves the writer's own segments to the front, keeping the relative order otherwise.
fn same_host_first(candidates: &mut [Arc<MountedSegment>], host: &str) {
    candidates.sort_by_key(|s| s.spec.host_id != host);
}

/// Allocates up to `request.replica_num` replicas of `request.len` bytes on distinct segment names:
/// preferred segments first (in order), then the strategy's order. Returns `(segment, offset)` pairs;
/// fewer than asked when the pool is short (best effort), none when nothing fits.
pub fn choose(
    strategy: &dyn PlacementStrategy,
    mut candidates: Vec<Arc<MountedSegment>>,
    preferred: &[String],
    request: &PlacementRequest<'_>,
) -> Vec<(Arc<MountedSegment>, u64)> {
    strategy.order(&mut candidates, request);
    if request.prefer_same_node
        && request.replica_num == 1
        && let Some(host) = request.writer_host
    {
        same_host_first(&mut candidates, host);
    }
    let preferred_first = preferred
        .iter()
        .flat_map(|name| candidates.iter().filter(move |s| &s.spec.name == name));
    let mut chosen: Vec<(Arc<MountedSegment>, u64)> = Vec::with_capacity(request.replica_num);
    for segment in preferred_first.chain(candidates.iter()) {
        if chosen.len() == request.replica_num {
            break;
        }
        if chosen.iter().any(|(s, _)| s.spec.name == segment.spec.name) {
            continue;
        }
        if let Some(offset) = segment.allocate(request.len) {
            chosen.push((segment.clone(), offset));
        }
    }
    chosen
}
