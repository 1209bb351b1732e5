// @generated automatically by Diesel CLI.

diesel::table! {
    events (id) {
        id -> Integer,
        kind -> Text,
        payload -> Text,
        occurred_at -> Timestamp,
    }
}
