//! Binds and runs the master's listeners (gRPC, admin HTTP, optional metadata server) until cancelled.
//! (Being written.)
