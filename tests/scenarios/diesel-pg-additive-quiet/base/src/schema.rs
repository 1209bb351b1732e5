// @generated automatically by Diesel CLI.

diesel::table! {
    tasks (id) {
        id -> Int4,
        title -> Varchar,
        done -> Bool,
        created_at -> Timestamp,
    }
}
