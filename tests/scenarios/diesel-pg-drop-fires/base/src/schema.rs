// @generated automatically by Diesel CLI.

diesel::table! {
    authors (id) {
        id -> Int4,
        name -> Varchar,
        bio -> Nullable<Text>,
        twitter_handle -> Nullable<Varchar>,
        created_at -> Timestamp,
    }
}
