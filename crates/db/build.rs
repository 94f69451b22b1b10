// `sqlx::migrate!` embeds the migration files at compile time; without this a new migration file
// is silently missing from an incremental build.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
