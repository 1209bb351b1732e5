// @generated automatically by Diesel CLI.

diesel::table! {
    comments (id) {
        id -> Bigint,
        post_id -> Bigint,
        #[max_length = 100]
        author -> Varchar,
        body -> Text,
        created_at -> Datetime,
        #[max_length = 20]
        moderation_state -> Varchar,
    }
}
