// @generated automatically by Diesel CLI.

diesel::table! {
    members (id) {
        id -> Unsigned<Integer>,
        #[max_length = 255]
        email -> Varchar,
        #[max_length = 50]
        nick -> Varchar,
        joined_at -> Datetime,
    }
}
