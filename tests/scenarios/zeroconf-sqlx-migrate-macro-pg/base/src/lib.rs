pub mod webhooks;
