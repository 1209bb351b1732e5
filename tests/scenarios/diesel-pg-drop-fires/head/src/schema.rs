// @generated automatically by Diesel CLI.

diesel::table! {
    authors (id) {
        id -> Int4,
        name -> Varchar,
        bio -> Nullable<Text>,
        created_at -> Timestamp,
    }
}
