//! Fast seeding: many literal rows per INSERT, sent unprepared (no statement cache churn).
//! Only for rows the benchmark generates itself (ids, numbers, generated words, fixed
//! emoji), never for outside input.

use sqlx::Executor;

pub const ROWS_PER_INSERT: usize = 500;

pub async fn insert_rows(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    table_and_columns: &str,
    rows: &[String],
) -> anyhow::Result<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let sql = format!("INSERT INTO {table_and_columns} VALUES {}", chunk.join(","));
        tx.execute(sql.as_str()).await?;
    }
    Ok(())
}

/// A SQL string literal.
pub fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
