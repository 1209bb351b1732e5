use crate::models::{NewTask, OpenCount, Task};
use crate::schema::tasks;
use diesel::prelude::*;

pub fn open_tasks(conn: &mut PgConnection) -> QueryResult<Vec<Task>> {
    tasks::table
        .filter(tasks::done.eq(false))
        .order(tasks::created_at.desc())
        .select(Task::as_select())
        .load(conn)
}

pub fn add(conn: &mut PgConnection, new: &NewTask<'_>) -> QueryResult<Task> {
    diesel::insert_into(tasks::table)
        .values(new)
        .returning(Task::as_returning())
        .get_result(conn)
}

pub fn complete(conn: &mut PgConnection, id: i32) -> QueryResult<usize> {
    diesel::update(tasks::table.find(id))
        .set(tasks::done.eq(true))
        .execute(conn)
}

pub fn open_count(conn: &mut PgConnection) -> QueryResult<i64> {
    let row: OpenCount =
        diesel::sql_query("SELECT count(*) AS open FROM tasks WHERE NOT done").get_result(conn)?;
    Ok(row.open)
}

pub fn due_before(conn: &mut PgConnection, day: chrono::NaiveDate) -> QueryResult<Vec<Task>> {
    tasks::table
        .filter(tasks::done.eq(false))
        .filter(tasks::due_on.le(day))
        .order((tasks::priority.desc(), tasks::due_on.asc()))
        .select(Task::as_select())
        .load(conn)
}
