//! The `user` commands: staff accounts from the command line.

use super::{Global, cli_actor, hash_password, open, read_password, user_named};
use anyhow::{Result, bail};
use clap::Subcommand;
use desmigratif_core::access::{Compartments, Role};
use desmigratif_core::id::Secret;
use desmigratif_core::region::{RegionTree, Scope};
use desmigratif_core::user;
use desmigratif_db::users;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input (one line).
    Add {
        username: String,
        #[arg(long)]
        name: String,
        /// admin, pusat, provinsi, kabupaten, kecamatan, operator_desa, kepala_desa, pendamping, case_worker, bendahara_koperasi
        #[arg(long)]
        role: String,
        /// Region-code prefix ("" for national).
        #[arg(long, default_value = "")]
        scope: String,
        /// Comma-separated compartments; default: the role's.
        #[arg(long)]
        compartments: Option<String>,
    },
    /// Set a new password, read from standard input; ends the account's sessions.
    Passwd { username: String },
    /// Mint a personal API token and print it (shown once).
    Token {
        username: String,
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days the token lives (1–365).
        #[arg(long, default_value_t = desmigratif_core::user::TOKEN_DAYS)]
        days: i64,
    },
    /// Disable an account and end its sessions.
    Disable { username: String },
}

pub async fn user_command(g: &Global, cmd: UserCommand) -> Result<()> {
    let db = open(g, false).await?;
    let actor = cli_actor();
    match cmd {
        UserCommand::Add {
            username,
            name,
            role,
            scope,
            compartments,
        } => {
            let bad = |e: desmigratif_core::Invalid| anyhow::anyhow!("{}", e.message);
            let username = user::parse_username(&username).map_err(bad)?;
            let display_name = user::parse_display_name(&name).map_err(bad)?;
            let role: Role = role.parse().map_err(bad)?;
            let scope = Scope::from_stored(&scope).map_err(bad)?;
            role.valid_scope(&scope).map_err(bad)?;
            if let Scope::Region(code) = &scope
                && RegionTree::official().get(code).is_none()
            {
                bail!("kode wilayah {code} tidak ada dalam daftar Kemendagri");
            }
            let compartments = match compartments {
                Some(list) => Compartments::from_stored(&list).map_err(bad)?,
                None => Compartments::new(role.compartments().to_vec()),
            };
            compartments.check_for(role).map_err(bad)?;
            let password_hash = hash_password(&read_password()?, &username)?;
            let mut tx = db.begin().await?;
            users::create(
                &mut tx,
                &actor,
                &users::NewUser {
                    username: username.clone(),
                    display_name,
                    password_hash,
                    role,
                    scope,
                    compartments,
                },
            )
            .await?;
            tx.commit().await?;
            println!("akun {username} dibuat");
        }
        UserCommand::Passwd { username } => {
            let u = user_named(&db, &username).await?;
            let hash = hash_password(&read_password()?, &u.username)?;
            let mut tx = db.begin().await?;
            users::set_password(&mut tx, &actor, &u, &hash).await?;
            let revoked = desmigratif_db::tokens::revoke_all(&mut tx, &actor, &u).await?;
            tx.commit().await?;
            println!(
                "kata sandi {} diganti; semua sesinya diakhiri dan {revoked} token API dicabut",
                u.username
            );
        }
        UserCommand::Token {
            username,
            name,
            days,
        } => {
            let lifetime = desmigratif_core::user::token_lifetime(&days.to_string())
                .map_err(|e| anyhow::anyhow!("--days: {}", e.message))?;
            let u = user_named(&db, &username).await?;
            if u.disabled {
                bail!("akun {} nonaktif", u.username);
            }
            let secret = Secret::generate();
            let prefix: String = secret.expose().chars().take(8).collect();
            let mut tx = db.begin().await?;
            desmigratif_db::tokens::create(
                &mut tx,
                &actor,
                &u,
                &name,
                &secret.digest(),
                &prefix,
                lifetime,
            )
            .await?;
            tx.commit().await?;
            println!("{}", secret.expose());
            eprintln!(
                "token API untuk {} (simpan sekarang; tidak ditampilkan lagi)",
                u.username
            );
        }
        UserCommand::Disable { username } => {
            let u = user_named(&db, &username).await?;
            let mut tx = db.begin().await?;
            users::set_disabled(&mut tx, &actor, &u, true).await?;
            tx.commit().await?;
            println!("akun {} dinonaktifkan", u.username);
        }
    }
    Ok(())
}
