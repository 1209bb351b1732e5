pub mod shipments;
