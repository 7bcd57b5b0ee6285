//! `local_first`: a single-replica object goes to a segment on the writer's own host when one has
//! room (its reads then never cross the network); otherwise placement is random.

use std::sync::Arc;

use super::random::Random;
use super::{MountedSegment, PlacementRequest, PlacementStrategy, same_host_first};

#[derive(Debug)]
pub struct LocalFirst;

impl PlacementStrategy for LocalFirst {
    fn order(&self, candidates: &mut [Arc<MountedSegment>], request: &PlacementRequest<'_>) {
        Random.order(candidates, request);
        if request.replica_num == 1
            && let Some(host) = request.writer_host
        {
            same_host_first(candidates, host);
        }
    }
}
