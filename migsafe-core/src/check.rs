//! Comparing two revisions: filled in by the check step.
