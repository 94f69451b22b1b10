//! The product's map: every page route, grouped by pillar, with who may reach it, and the API
//! modules that declare the JSON operations (their paths and schemas are in `/api/openapi.json`).
//! The router is built from this table, and the access test walks it, so a route cannot exist
//! without its row.
//!
//! Who may reach a page is decided in one place, `core::access::authorize`, from the page's
//! place; the table states the outer gate and, for a route that opens one record, which record:
//! the access test tries every such route with every demo account against records in their own
//! village, a neighbouring one and another district.

use crate::AppState;
use crate::features::*;
use axum::Router;
use utoipa_axum::router::OpenApiRouter;

/// Who may reach a route at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Anyone, signed in or not: the public portal, letter checks, reports.
    Public,
    /// A signed-in member of staff; which records and actions is decided per request by place.
    Staff,
    /// This machine, or a scraper holding the metrics token.
    Machine,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub pillar: &'static str,
    pub path: &'static str,
    /// `get`, `post`.
    pub methods: &'static [&'static str],
    pub gate: Gate,
    /// The table of the record a `{…}` in the path opens (the first one; the others are its
    /// parts), for staff routes.
    pub record: Option<&'static str>,
    /// A body limit above axum's 2 MB default: a file upload (multipart) on staff pages.
    pub body_limit: Option<usize>,
}

macro_rules! table {
    ($( $pillar:literal {
        $( $path:literal => $( $method:ident $handler:path ),+ ; $gate:ident
            $( , record $record:literal )? $( , limit $limit:expr )? ; )*
    } )*) => {
        /// Every page route.
        pub const ROUTES: &[Route] = &[$($(Route {
            pillar: $pillar,
            path: $path,
            methods: &[$(stringify!($method)),+],
            gate: Gate::$gate,
            record: table!(@record $($record)?),
            body_limit: table!(@limit $($limit)?),
        },)*)*];

        /// The pages, built from [`ROUTES`]' rows.
        pub fn pages() -> Router<AppState> {
            Router::new()
            $($(
                .route(
                    $path,
                    axum::routing::MethodRouter::new()
                        $( .$method($handler) )+
                        $( .layer(axum::extract::DefaultBodyLimit::max($limit)) )?,
                )
            )*)*
        }
    };
    (@record) => { None };
    (@record $record:literal) => { Some($record) };
    (@limit) => { None };
    (@limit $limit:expr) => { Some($limit) };
}

table! {
    "Dasar" {
        "/" => get home::home; Public;
        "/wilayah" => get regions::browse; Public;
        "/masuk" => get session::login_form, post session::login; Public;
        "/keluar" => post session::logout; Public;
        "/bahasa/{code}" => post session::switch_language; Public;
        "/metrics" => get crate::metrics::endpoint; Machine;
        "/app" => get dashboard::dashboard; Staff;
        "/app/akun" => get account::account; Staff;
        "/app/akun/sandi" => post account::change_password; Staff;
        "/app/akun/token" => post account::create_token; Staff;
        "/app/akun/token/{id}/cabut" => post account::revoke_token; Staff, record "api_tokens";
        "/app/pengguna" => get users::list, post users::create_from_form; Staff;
        "/app/pengguna/baru" => get users::new_form; Staff;
        "/app/pengguna/{id}" => get users::detail; Staff, record "users";
        "/app/pengguna/{id}/akses" => post users::set_access; Staff, record "users";
        "/app/pengguna/{id}/status" => post users::set_status; Staff, record "users";
        "/app/desa" => get villages::list; Staff;
        "/app/desa/{code}" => get villages::show, post villages::update; Staff, record "villages";
        "/app/audit" => get audit_log::audit; Staff;
        "/app/audit/bulanan" => get audit_log::month; Staff;
        "/app/audit/bulanan.json" => get audit_log::month_json; Staff;
    }
    "Layanan migrasi — registri" {
        "/app/penduduk/{id}/migrasi" => post episodes::create; Staff, record "persons";
        "/app/penduduk/{id}/migrasi/baru" => get episodes::new_form; Staff, record "persons";
        "/app/migrasi/{id}" => get episodes::show, post episodes::update; Staff, record "episodes";
        "/app/migrasi/{id}/tahap" => post episodes::transition; Staff, record "episodes";
        "/app/migrasi/{id}/dokumen/{doc}" => post episodes::update_document; Staff, record "episodes";
        "/app/migrasi/{id}/dokumen/{doc}/berkas" => post episodes::upload; Staff, record "episodes", limit crate::UPLOAD_LIMIT + 64 * 1024;
        "/app/berkas/{file}" => get episodes::download; Staff, record "document_files";
        "/app/keluarga" => get households::list, post households::create; Staff;
        "/app/keluarga/{id}" => get households::show; Staff, record "households";
        "/app/keluarga/{id}/anggota" => post households::add_member; Staff, record "households";
        "/app/pemantauan" => get monitoring::monitoring; Staff;
        "/app/penduduk" => get persons::list::list, post persons::edit::create; Staff;
        "/app/penduduk/baru" => get persons::edit::new_form; Staff;
        "/app/penduduk/{id}" => get persons::page::show, post persons::edit::update; Staff, record "persons";
        "/app/penduduk/{id}/ubah" => get persons::edit::edit_form; Staff, record "persons";
        "/app/penduduk/{id}/nik" => post persons::page::reveal_nik; Staff, record "persons";
        "/app/penduduk/{id}/bimbingan" => post persons::page::add_counselling; Staff, record "persons";
        "/app/persyaratan" => get requirements::list, post requirements::add; Staff;
        "/app/persyaratan/{id}/aktif" => post requirements::toggle; Staff, record "document_requirements";
        "/app/impor" => get transfer::show, post transfer::import; Staff, limit crate::UPLOAD_LIMIT;
        "/app/impor/templat.xlsx" => get transfer::template_xlsx; Staff;
        "/app/impor/templat.csv" => get transfer::template_csv; Staff;
        "/app/ekspor/penduduk.csv" => get transfer::persons_csv; Staff;
        "/app/ekspor/penduduk.xlsx" => get transfer::persons_xlsx; Staff;
        "/app/ekspor/migrasi.csv" => get transfer::episodes_csv; Staff;
        "/app/ekspor/migrasi.xlsx" => get transfer::episodes_xlsx; Staff;
    }
    "Layanan migrasi — surat" {
        "/app/surat" => get letters::list, post letters::create; Staff;
        "/app/surat/baru" => get letters::new_form; Staff;
        "/app/surat/jenis" => get letters::kinds; Staff;
        "/app/surat/pengaturan" => post letters::save_settings; Staff;
        "/app/surat/jenis/{code}" => get letters::kind_page, post letters::save_kind; Staff, record "letter_kinds";
        "/app/surat/{id}" => get letters::show; Staff, record "letters";
        "/app/surat/{id}/langkah" => post letters::step; Staff, record "letters";
        "/app/surat/{id}/tandatangan" => post letters::sign; Staff, record "letters";
        "/app/surat/{id}/isian" => post letters::edit; Staff, record "letters";
        "/app/surat/{id}/pdf" => get letters::download; Staff, record "letters";
        "/v/{code}" => get verify::by_code; Public;
        "/verifikasi" => get verify::desk, post verify::upload; Public, limit crate::UPLOAD_LIMIT + 64 * 1024;
        "/.well-known/desmigratif-keys.json" => get verify::public_keys; Public;
        "/surat/minta" => get verify::request_form, post verify::request_submit; Public;
        "/surat/lacak" => get verify::track; Public;
    }
    "Pelindungan — portal publik" {
        "/agensi" => get agencies::check_page; Public;
        "/agensi/{id}" => get agencies::public_one; Public;
        "/app/agensi" => get agencies::staff_list, post agencies::create; Staff;
        "/app/agensi/baru" => get agencies::new_form; Staff;
        "/app/agensi/impor" => get agencies::import_form, post agencies::import; Staff, limit crate::UPLOAD_LIMIT + 64 * 1024;
        "/app/agensi/impor/templat.csv" => get agencies::template_csv; Staff;
        "/app/agensi/impor/templat.xlsx" => get agencies::template_xlsx; Staff;
        "/app/agensi/{id}" => get agencies::edit_form, post agencies::update; Staff, record "agencies";
        "/biaya" => get fees::check_page; Public;
        "/app/biaya" => get fees::rules_page, post fees::create_rule; Staff;
        "/app/biaya/baru" => get fees::new_rule; Staff;
        "/app/biaya/{code}" => get fees::edit_rule, post fees::update_rule; Staff, record "fee_rules";
        "/app/biaya/{code}/aktif" => post fees::toggle_rule; Staff, record "fee_rules";
        "/negara" => get guides::guides_page; Public;
        "/negara/{iso2}" => get guides::guide_page; Public;
        "/waspada" => get guides::alerts_page; Public;
        "/app/informasi" => get guides::staff_page, post guides::create_alert; Staff;
        "/app/informasi/negara/{iso2}" => get guides::guide_form, post guides::guide_save; Staff, record "country_guides";
        "/app/informasi/peringatan/baru" => get guides::new_alert; Staff;
        "/app/informasi/peringatan/{code}" => get guides::edit_alert, post guides::update_alert; Staff, record "scam_alerts";
        "/lowongan" => get jobs::list_page; Public;
        "/lowongan/{id}" => get jobs::one_page; Public;
        "/app/lowongan" => get jobs::staff_list, post jobs::create; Staff;
        "/app/lowongan/{id}/tarik" => post jobs::withdraw; Staff, record "job_orders";
    }
    "Pelindungan — laporan dan kasus" {
        "/app/kasus" => get cases::list::list, post cases::intake::create; Staff;
        "/app/kasus/baru" => get cases::intake::new_case; Staff;
        "/app/kasus/angka" => get cases::counts::counts; Staff;
        "/app/kasus/{id}" => get cases::case::show; Staff, record "cases";
        "/app/kasus/{id}/status" => post cases::case::move_status; Staff, record "cases";
        "/app/kasus/{id}/catatan" => post cases::case::add_note; Staff, record "cases";
        "/app/kasus/{id}/petugas" => post cases::case::assign; Staff, record "cases";
        "/app/kasus/{id}/rujukan" => post cases::case::refer; Staff, record "cases";
        "/app/kasus/{id}/rujukan/{rid}" => post cases::case::move_referral; Staff, record "cases";
        "/app/kasus/{id}/hasil" => post cases::case::outcome; Staff, record "cases";
        "/app/kasus/{id}/ringkasan.pdf" => get cases::case::summary_pdf; Staff, record "cases";
        "/app/kasus/{id}/dokumen/{code}" => get cases::case::download, post cases::case::upload; Staff, record "cases", limit crate::UPLOAD_LIMIT + 64 * 1024;
        "/lapor" => get reports::show_form, post reports::submit; Public, limit reports::BODY_LIMIT;
        "/lapor/lacak" => get reports::track; Public;
        "/app/laporan" => get reports::queue; Staff;
        "/app/laporan/{id}" => get reports::show; Staff, record "public_reports";
        "/app/laporan/{id}/status" => post reports::move_status; Staff, record "public_reports";
    }
    "Usaha produktif" {
        "/app/usaha" => get business::list::list, post business::edit::create; Staff;
        "/app/usaha/baru" => get business::edit::new_form; Staff;
        "/app/usaha/{id}" => get business::page::detail; Staff, record "businesses";
        "/app/usaha/{id}/ubah" => get business::edit::edit_form, post business::edit::update; Staff, record "businesses";
        "/app/usaha/{id}/pemilik" => post business::page::add_owner; Staff, record "businesses";
        "/app/usaha/{id}/pemilik/{person}/hapus" => post business::page::remove_owner; Staff, record "businesses";
        "/app/usaha/{id}/izin" => post business::page::add_permit; Staff, record "businesses";
        "/app/usaha/{id}/izin/{permit}/hapus" => post business::page::remove_permit; Staff, record "businesses";
        "/app/usaha/{id}/laporan" => post business::page::save_report; Staff, record "businesses";
        "/app/usaha/{id}/kunjungan" => post business::page::add_visit; Staff, record "businesses";
        "/app/usaha/{id}/kur" => post business::page::refer_kur; Staff, record "businesses";
        "/app/usaha/{id}/kur/{kur}" => post business::page::decide_kur; Staff, record "businesses";
        "/app/bantuan" => get business::aid::aid_list, post business::aid::aid_create; Staff;
        "/app/bantuan/baru" => get business::aid::aid_new; Staff;
        "/app/bantuan/{id}" => get business::aid::aid_detail; Staff, record "equipment_aid";
        "/app/bantuan/{id}/periksa" => post business::aid::aid_check; Staff, record "equipment_aid";
        "/produk" => get products::public::catalogue; Public;
        "/produk/foto/{id}" => get products::public::photo_big; Public;
        "/produk/foto/{id}/kecil" => get products::public::photo_small; Public;
        "/produk/{kode}" => get products::public::village; Public;
        "/produk/{kode}/{id}" => get products::public::show, post products::public::ask; Public, limit products::INQUIRY_BODY_LIMIT;
        "/app/produk" => get products::staff::staff_list; Staff;
        "/app/produk/baru" => get products::staff::new_form, post products::staff::create; Staff;
        "/app/produk/pertanyaan" => get products::staff::inquiries; Staff;
        "/app/produk/{id}" => get products::staff::edit, post products::staff::update; Staff, record "products";
        "/app/produk/{id}/foto" => post products::staff::upload; Staff, record "products", limit desmigratif_core::photo::MAX_UPLOAD + 64 * 1024;
        "/app/produk/{id}/foto/hapus" => post products::staff::remove_photo; Staff, record "products";
        "/app/produk/{id}/terbit" => post products::staff::publish; Staff, record "products";
        "/app/pelatihan" => get trainings::list, post trainings::create; Staff;
        "/app/pelatihan/baru" => get trainings::new_form; Staff;
        "/app/pelatihan/{id}" => get trainings::show; Staff, record "trainings";
        "/app/pelatihan/{id}/ubah" => get trainings::edit_form, post trainings::update; Staff, record "trainings";
        "/app/pelatihan/{id}/sesi" => post trainings::add_session; Staff, record "trainings";
        "/app/pelatihan/{id}/sesi/{sid}" => get trainings::attendance, post trainings::save_attendance; Staff, record "trainings";
        "/app/pelatihan/{id}/peserta" => post trainings::add_participant; Staff, record "trainings";
        "/app/pelatihan/{id}/peserta/{pid}/selesai" => post trainings::complete; Staff, record "trainings";
    }
    "Komunitas — anak" {
        "/app/anak" => get children::list::list, post children::edit::create; Staff;
        "/app/anak/baru" => get children::edit::new_child; Staff;
        "/app/anak/indikator" => get children::indicators::indicators; Staff;
        "/app/anak/{id}" => get children::child::show, post children::edit::update; Staff, record "children";
        "/app/anak/{id}/ubah" => get children::edit::edit; Staff, record "children";
        "/app/belajar" => get children::sessions::sessions, post children::sessions::create_session; Staff;
        "/app/belajar/baru" => get children::sessions::new_session; Staff;
        "/app/belajar/{id}" => get children::sessions::attendance, post children::sessions::take_attendance; Staff, record "learning_sessions";
    }
    "Koperasi" {
        "/app/koperasi" => get coop::setup::overview, post coop::setup::create_coop; Staff;
        "/app/koperasi/aturan" => post coop::setup::change_rules; Staff;
        "/app/koperasi/anggota" => get coop::members::members, post coop::members::join; Staff;
        "/app/koperasi/anggota/{id}" => get coop::member::member; Staff, record "coop_members";
        "/app/koperasi/anggota/{id}/simpanan" => post coop::member::savings; Staff, record "coop_members";
        "/app/koperasi/anggota/{id}/pinjaman" => post coop::member::apply; Staff, record "coop_members";
        "/app/koperasi/anggota/{id}/keluar" => post coop::member::leave; Staff, record "coop_members";
        "/app/koperasi/anggota/{id}/rekening.pdf" => get coop::reports::statement_pdf; Staff, record "coop_members";
        "/app/koperasi/produk" => get coop::products::products, post coop::products::add_product; Staff;
        "/app/koperasi/pinjaman" => get coop::loans::loans; Staff;
        "/app/koperasi/pinjaman/{id}" => get coop::loans::loan; Staff, record "coop_loans";
        "/app/koperasi/pinjaman/{id}/putusan" => post coop::loans::decide; Staff, record "coop_loans";
        "/app/koperasi/pinjaman/{id}/cair" => post coop::loans::disburse; Staff, record "coop_loans";
        "/app/koperasi/pinjaman/{id}/angsuran" => post coop::loans::repay; Staff, record "coop_loans";
        "/app/koperasi/pembukuan" => get coop::books::books; Staff;
        "/app/koperasi/tutup-buku" => post coop::books::close; Staff;
        "/app/koperasi/jurnal" => get coop::journal::journal, post coop::journal::add_journal; Staff;
        "/app/koperasi/jurnal/{id}" => get coop::journal::entry; Staff, record "coop_journal_entries";
        "/app/koperasi/shu" => get coop::shu::shu, post coop::shu::create_shu; Staff;
        "/app/koperasi/shu/{id}" => get coop::shu::shu_run; Staff, record "coop_shu_runs";
        "/app/koperasi/shu/{id}/setujui" => post coop::shu::approve_shu; Staff, record "coop_shu_runs";
        "/app/koperasi/shu/{id}/bukukan" => post coop::shu::post_shu; Staff, record "coop_shu_runs";
        "/app/koperasi/shu/{id}/rat.pdf" => get coop::reports::rat_pdf; Staff, record "coop_shu_runs";
        "/app/koperasi/shu/{id}/rat.xlsx" => get coop::reports::rat_xlsx; Staff, record "coop_shu_runs";
    }
}

/// The JSON API, by pillar; each module declares its operations with their OpenAPI paths.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(<ApiDoc as utoipa::OpenApi>::openapi())
        // Dasar
        .merge(system::api())
        .merge(account::api())
        .merge(regions::api())
        .merge(villages::api())
        .merge(users::api())
        // Layanan migrasi
        .merge(persons::api())
        .merge(episodes::api())
        .merge(households::api())
        .merge(letters::api())
        // Pelindungan
        .merge(agencies::api())
        .merge(fees::api())
        .merge(jobs::api())
        .merge(reports::api())
        .merge(cases::api())
        // Komunitas, koperasi, usaha produktif (the order of the published document's tags)
        .merge(children::api())
        .merge(coop::api())
        .merge(business::api())
        .merge(products::api())
        .merge(trainings::api())
}
