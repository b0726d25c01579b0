//! Events: who did what to whom, where and when, with the evidence.
