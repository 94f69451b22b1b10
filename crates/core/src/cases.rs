//! Advocacy cases: a worker (or the family) in trouble, handled by the village and, when the
//! village cannot solve it alone, referred onwards. This module holds the rules only — what a
//! case must contain at intake, which status moves are allowed, when the next action is due, what
//! consent a referral needs, how an outcome is recorded, and how counts are suppressed before
//! they may become public — so pages, the API and the CLI refuse the same things.
//!
//! The statuses and the referral model follow Primero (UNICEF's case management system): one
//! referral life cycle (in progress, accepted, rejected, done, revoked) and consent, or an
//! explicit override permission, before personal data leaves the village (UU 27/2022).

use crate::Invalid;
use crate::fees::parse_money;
use crate::form::{block, choices, line, ok_or_push, past_date, push_err};
use chrono::NaiveDate;
use std::fmt;
use std::str::FromStr;

choices!(
    /// What the case is about: the complaint categories BP2MI counts (DOMAIN.md §5), so the
    /// village's figures can be set next to the national ones.
    CaseCategory, field = "kategori", what = "jenis masalah", {
        Repatriation = "ingin_dipulangkan", "Ingin dipulangkan", "Wants to be repatriated";
        UnpaidWages = "gaji_tidak_dibayar", "Gaji tidak dibayar", "Unpaid wages";
        FailedDeparture = "gagal_berangkat", "Gagal berangkat", "Failed departure";
        Death = "meninggal_dunia", "Meninggal dunia", "Death";
        Illness = "sakit", "Sakit", "Illness";
        /// A fake job offer or a fee taken for a placement that never existed.
        Fraud = "penipuan", "Penipuan/lowongan palsu", "Fraud/fake job offer";
        /// Placement costs above what the law allows (the zero-cost rule, Taiwan's caps).
        Overcharging = "biaya_berlebih", "Biaya berlebih", "Overcharging";
        /// Passport or contract kept by the employer or the agency.
        DocumentsHeld = "dokumen_ditahan", "Dokumen ditahan", "Documents held";
        Violence = "kekerasan", "Kekerasan", "Violence or abuse";
        Trafficking = "perdagangan_orang", "Perdagangan orang", "Human trafficking";
        LostContact = "hilang_kontak", "Hilang kontak", "Lost contact";
        Dismissal = "phk", "PHK", "Dismissal";
        /// BPJS Ketenagakerjaan claims and other social-security benefits.
        SocialSecurity = "jaminan_sosial", "Jaminan sosial", "Social security";
        Other = "lainnya", "Lainnya", "Other";
    }
);

choices!(
    /// How fast the case must move; decides the deadline of the next action.
    Urgency, field = "urgensi", what = "tingkat urgensi", {
        /// Life or safety at stake: violence, trafficking, a death, a serious illness.
        Emergency = "darurat", "Darurat", "Emergency";
        /// Money or documents at stake that get harder to recover as time passes.
        High = "tinggi", "Tinggi", "High";
        Normal = "biasa", "Biasa", "Normal";
    }
);

impl Urgency {
    /// Days between one action and the deadline of the next. A threat to life or safety is acted
    /// on the same day or the next; unpaid wages and held documents within a few days, before
    /// the employer disappears or the worker is sent home empty-handed; anything else within two
    /// weeks, so no case is quietly forgotten.
    pub fn days_to_act(self) -> i64 {
        match self {
            Urgency::Emergency => 1,
            Urgency::High => 3,
            Urgency::Normal => 14,
        }
    }
}

choices!(
    /// Where a case came from.
    IntakeSource, field = "sumber", what = "sumber kasus", {
        /// Brought to the village's service desk.
        Desk = "layanan_desa", "Layanan desa", "Village service desk";
        Family = "keluarga", "Keluarga", "Family";
        /// Taken over from a report sent through the public portal (`/lapor`).
        PublicReport = "laporan_publik", "Laporan publik", "Public report";
        ReturningWorker = "purna_pmi", "Purna PMI", "Returning worker";
    }
);

choices!(
    /// The handling states of a case; see [`check_move`] for the allowed moves.
    CaseStatus, field = "status", what = "status kasus", {
        New = "new", "Baru", "New";
        Assessed = "assessed", "Dinilai", "Assessed";
        InProgress = "in_progress", "Ditangani", "In progress";
        Referred = "referred", "Dirujuk", "Referred";
        Resolved = "resolved", "Selesai", "Resolved";
        Closed = "closed", "Ditutup", "Closed";
    }
);

/// The allowed status moves, each state's usual next step first; everything else is refused.
const CASE_EDGES: &[(CaseStatus, CaseStatus)] = {
    use CaseStatus::*;
    &[
        (New, Assessed),
        // A duplicate or a spam intake is closed without assessment.
        (New, Closed),
        (Assessed, InProgress),
        (Assessed, Referred),
        (Assessed, Closed),
        (InProgress, Referred),
        (InProgress, Resolved),
        (Referred, Resolved),
        // The referral was rejected or revoked: the case is back with the village.
        (Referred, InProgress),
        (Resolved, Closed),
        // Reopened: the problem came back, or the resolution did not hold.
        (Resolved, InProgress),
        (Closed, InProgress),
    ]
};

impl CaseStatus {
    /// Whether the case still needs action; only open cases can be overdue.
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Resolved | CaseStatus::Closed)
    }

    pub fn can_move_to(self, to: CaseStatus) -> bool {
        CASE_EDGES.contains(&(self, to))
    }

    /// The states this one may move to, the usual next step first (the buttons a page shows).
    pub fn next(self) -> Vec<CaseStatus> {
        CASE_EDGES
            .iter()
            .filter(|(from, _)| *from == self)
            .map(|&(_, to)| to)
            .collect()
    }
}

/// Length limits, in characters.
pub const NAME_MIN: usize = 2;
pub const NAME_MAX: usize = 200;
pub const CHRONOLOGY_MIN: usize = 20;
pub const CHRONOLOGY_MAX: usize = 8000;
pub const NOTE_MAX: usize = 2000;
/// Why a case is reopened, or a referral rejected or revoked: enough for a real reason, so the
/// next person reading the history knows what happened.
pub const REASON_MIN: usize = 10;
/// Why personal data leaves the village without consent: longer, because the override must be
/// defensible afterwards.
pub const OVERRIDE_REASON_MIN: usize = 20;

/// Whether a case may move from `from` to `to`. A reopen (from Resolved or Closed back to work)
/// needs a note of at least [`REASON_MIN`] characters, so the history says why a finished case
/// came back. Any note given is held to the same markup and length rules as the forms.
pub fn check_move(from: CaseStatus, to: CaseStatus, note: &str) -> Result<(), Invalid> {
    if !from.can_move_to(to) {
        let (from_label, to_label) = (from.label_id(), to.label_id());
        let message = if from == to {
            format!("kasus ini sudah berstatus «{from_label}»; itu bukan perpindahan status")
        } else {
            let allowed = from
                .next()
                .into_iter()
                .map(|s| format!("«{}»", s.label_id()))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "status «{from_label}» tidak bisa pindah ke «{to_label}»; \
                 dari «{from_label}» yang boleh: {allowed}"
            )
        };
        return Err(Invalid::new("status", message));
    }
    let reopen = !from.is_open() && to.is_open();
    let (min, what) = if reopen {
        (REASON_MIN, "alasan membuka kembali kasus")
    } else {
        (0, "catatan")
    };
    block("catatan", note, min, NOTE_MAX, what)
        .map(drop)
        .map_err(|(_, e)| e)
}

/// The deadline of the next action, counted from when the case was opened or last acted on.
pub fn due_on(urgency: Urgency, last_action: NaiveDate) -> NaiveDate {
    last_action + chrono::Duration::days(urgency.days_to_act())
}

/// Overdue once the deadline day has passed; a case due today is not overdue yet, and a
/// resolved or closed case never is.
pub fn is_overdue(
    status: CaseStatus,
    urgency: Urgency,
    last_action: NaiveDate,
    today: NaiveDate,
) -> bool {
    status.is_open() && today > due_on(urgency, last_action)
}

choices!(
    /// Who a case is referred to.
    ReferralTarget, field = "tujuan", what = "tujuan rujukan", {
        Kecamatan = "kecamatan", "Kecamatan", "Sub-district office";
        DisnakerKabupaten = "disnaker", "Disnaker kabupaten", "District manpower office";
        Bp3mi = "bp3mi", "BP3MI", "BP3MI (provincial migrant worker protection office)";
        /// Indonesia's missions abroad; in Taiwan the KDEI stands in for an embassy.
        KdeiOrEmbassy = "perwakilan_ri", "KDEI/Kedutaan/Konsulat RI",
            "Indonesian mission (KDEI/embassy/consulate)";
        Ngo = "lsm", "LSM pendamping", "Partner NGO";
        Police = "polisi", "Kepolisian", "Police";
    }
);

choices!(
    /// Where a referral stands (Primero's referral life cycle).
    ReferralStatus, field = "status", what = "status rujukan", {
        InProgress = "in_progress", "Diproses", "In progress";
        Accepted = "accepted", "Diterima", "Accepted";
        Rejected = "rejected", "Ditolak", "Rejected";
        Done = "done", "Selesai", "Done";
        Revoked = "revoked", "Dicabut", "Revoked";
    }
);

const REFERRAL_EDGES: &[(ReferralStatus, ReferralStatus)] = {
    use ReferralStatus::*;
    &[
        (InProgress, Accepted),
        (InProgress, Rejected),
        (InProgress, Revoked),
        (Accepted, Done),
        (Accepted, Revoked),
    ]
};

impl ReferralStatus {
    /// Whether the receiving unit may see the case in this referral state. A done referral keeps
    /// access so the unit can answer later questions about its own work; a rejected or revoked
    /// one loses it, because the data was only shared for a referral that no longer stands.
    pub fn grants_access(self) -> bool {
        matches!(
            self,
            ReferralStatus::InProgress | ReferralStatus::Accepted | ReferralStatus::Done
        )
    }

    /// Rejected, done and revoked are final: a new attempt is a new referral, with fresh consent.
    pub fn can_move_to(self, to: ReferralStatus) -> bool {
        REFERRAL_EDGES.contains(&(self, to))
    }
}

/// Whether a referral may move from `from` to `to`; a rejection or a revocation needs a reason of
/// at least [`REASON_MIN`] characters, because the case comes back to the village and the
/// village must know why.
pub fn check_referral_move(
    from: ReferralStatus,
    to: ReferralStatus,
    reason: &str,
) -> Result<(), Invalid> {
    if !from.can_move_to(to) {
        let (from_label, to_label) = (from.label_id(), to.label_id());
        let message = if REFERRAL_EDGES.iter().any(|(f, _)| *f == from) {
            format!("rujukan berstatus «{from_label}» tidak bisa menjadi «{to_label}»")
        } else {
            format!(
                "rujukan berstatus «{from_label}» sudah final dan tidak bisa menjadi \
                 «{to_label}»; bila perlu, buat rujukan baru"
            )
        };
        return Err(Invalid::new("status", message));
    }
    let needs_reason = matches!(to, ReferralStatus::Rejected | ReferralStatus::Revoked);
    let min = if needs_reason { REASON_MIN } else { 0 };
    block("alasan", reason, min, NOTE_MAX, "alasan")
        .map(drop)
        .map_err(|(_, e)| e)
}

choices!(
    /// On what ground a referral shares personal data (UU 27/2022: it leaves the village only
    /// with consent, or under a documented override).
    Consent, field = "persetujuan", what = "jenis persetujuan", {
        Worker = "pekerja", "Persetujuan pekerja", "Consent of the worker";
        /// When the worker cannot be reached (lost contact, detained, deceased).
        Family = "keluarga", "Persetujuan keluarga", "Consent of the family";
        /// No consent, under the permission to override: life or safety at stake.
        Override = "pengecualian", "Tanpa persetujuan (pengecualian)", "Override without consent";
    }
);

/// A referral request as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawReferral {
    pub tujuan: String,
    /// Name of the receiving office, e.g. "BP3MI Jawa Barat".
    pub unit: String,
    pub persetujuan: String,
    pub nama_pemberi: String,
    pub tanggal_persetujuan: String,
    pub alasan_pengecualian: String,
    pub catatan: String,
}

/// A checked referral request. Under an override `consent_by` is empty and `consent_on` is
/// `None`; under consent `override_reason` is empty, so the record never claims both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralInput {
    pub target: ReferralTarget,
    pub unit: String,
    pub consent: Consent,
    pub consent_by: String,
    pub consent_on: Option<NaiveDate>,
    pub override_reason: String,
    pub note: String,
}

impl RawReferral {
    /// Every problem at once. `override_allowed` is the caller's permission to refer without
    /// consent; without it an override is refused like missing consent.
    pub fn check(
        &self,
        today: NaiveDate,
        override_allowed: bool,
    ) -> Result<ReferralInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let target = ok_or_push(self.tujuan.parse::<ReferralTarget>(), &mut errors);
        let unit = push_err(
            line("unit", &self.unit, NAME_MIN, NAME_MAX, "nama kantor tujuan"),
            &mut errors,
        );
        let consent = if self.persetujuan.trim().is_empty() {
            let how = if override_allowed {
                "pilih persetujuan pekerja atau keluarga, atau pengecualian bila nyawa atau \
                 keselamatan terancam"
            } else {
                "catat dulu persetujuan pekerja atau keluarganya"
            };
            errors.push(Invalid::new(
                "persetujuan",
                format!(
                    "data pribadi hanya boleh dirujuk ke luar desa dengan persetujuan \
                     (UU 27/2022); {how}"
                ),
            ));
            None
        } else {
            ok_or_push(self.persetujuan.parse::<Consent>(), &mut errors)
        };
        let (mut consent_by, mut consent_on, mut override_reason) =
            (String::new(), None, String::new());
        match consent {
            Some(Consent::Worker | Consent::Family) => {
                consent_by = push_err(
                    line(
                        "nama_pemberi",
                        &self.nama_pemberi,
                        NAME_MIN,
                        NAME_MAX,
                        "nama yang memberi persetujuan",
                    ),
                    &mut errors,
                );
                consent_on = ok_or_push(
                    past_date(
                        "tanggal_persetujuan",
                        &self.tanggal_persetujuan,
                        today,
                        "tanggal persetujuan",
                    ),
                    &mut errors,
                );
            }
            Some(Consent::Override) if !override_allowed => errors.push(Invalid::new(
                "persetujuan",
                "Anda tidak berwenang merujuk tanpa persetujuan; mintalah persetujuan pekerja \
                 atau keluarganya, atau minta petugas yang berwenang",
            )),
            Some(Consent::Override) => {
                override_reason = push_err(
                    block(
                        "alasan_pengecualian",
                        &self.alasan_pengecualian,
                        OVERRIDE_REASON_MIN,
                        NOTE_MAX,
                        "alasan merujuk tanpa persetujuan",
                    ),
                    &mut errors,
                );
            }
            None => {}
        }
        let note = push_err(
            block("catatan", &self.catatan, 0, NOTE_MAX, "catatan"),
            &mut errors,
        );
        match (target, consent) {
            (Some(target), Some(consent)) if errors.is_empty() => Ok(ReferralInput {
                target,
                unit,
                consent,
                consent_by,
                consent_on,
                override_reason,
                note,
            }),
            _ => Err(errors),
        }
    }
}

choices!(
    /// How a case ended.
    OutcomeKind, field = "hasil", what = "hasil penanganan", {
        Repatriated = "dipulangkan", "Dipulangkan", "Repatriated";
        WagesRecovered = "gaji_kembali", "Gaji berhasil dibayarkan", "Wages recovered";
        Compensation = "kompensasi", "Kompensasi/ganti rugi", "Compensation";
        LegalAction = "proses_hukum", "Proses hukum", "Legal action";
        InsuranceClaim = "klaim_asuransi", "Klaim asuransi/BPJS", "Insurance claim";
        NoResolution = "tidak_selesai", "Tidak terselesaikan", "No resolution";
    }
);

/// An outcome as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawOutcome {
    pub hasil: String,
    /// Rupiah, read by [`crate::fees::parse_money`] (e.g. "9.622.000" or "Rp9.622.000").
    pub jumlah: String,
    pub tanggal: String,
    pub catatan: String,
}

/// A checked outcome. Amounts are whole rupiah; 0 when the outcome carries no money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeInput {
    pub kind: OutcomeKind,
    pub amount_idr: i64,
    pub on: NaiveDate,
    pub note: String,
}

impl RawOutcome {
    /// Every problem at once. Money recovered is the figure the village reports upwards, so it is
    /// required where the outcome is money and refused where it is not (a repatriation with an
    /// amount is a typing slip that would inflate the totals).
    pub fn check(&self, today: NaiveDate) -> Result<OutcomeInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let kind = ok_or_push(self.hasil.parse::<OutcomeKind>(), &mut errors);
        let amount = ok_or_push(parse_money(&self.jumlah, "jumlah"), &mut errors).flatten();
        if let Some(kind) = kind {
            let label = kind.label_id();
            match kind {
                OutcomeKind::WagesRecovered | OutcomeKind::Compensation
                    if amount.unwrap_or(0) == 0 && !errors.iter().any(|e| e.field == "jumlah") =>
                {
                    errors.push(Invalid::new(
                        "jumlah",
                        format!("untuk hasil «{label}», tulis jumlah yang diterima dalam rupiah"),
                    ));
                }
                OutcomeKind::Repatriated | OutcomeKind::LegalAction | OutcomeKind::NoResolution
                    if amount.unwrap_or(0) != 0 =>
                {
                    errors.push(Invalid::new(
                        "jumlah",
                        format!(
                            "hasil «{label}» tidak mencatat uang; kosongkan jumlah, atau pilih \
                             hasil «Gaji berhasil dibayarkan» atau «Kompensasi/ganti rugi»"
                        ),
                    ));
                }
                _ => {}
            }
        }
        let on = ok_or_push(
            past_date("tanggal", &self.tanggal, today, "tanggal hasil"),
            &mut errors,
        );
        let note = push_err(
            block("catatan", &self.catatan, 0, NOTE_MAX, "catatan"),
            &mut errors,
        );
        match (kind, on) {
            (Some(kind), Some(on)) if errors.is_empty() => Ok(OutcomeInput {
                kind,
                amount_idr: amount.unwrap_or(0),
                on,
                note,
            }),
            _ => Err(errors),
        }
    }
}

/// A new case as typed at intake.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawCase {
    pub sumber: String,
    pub kategori: String,
    pub urgensi: String,
    /// Free text when the worker is not in the registry.
    pub nama_pekerja: String,
    pub negara: String,
    pub agensi: String,
    pub pemberi_kerja: String,
    pub kronologi: String,
    /// Who brought the case: name and relation to the worker.
    pub pelapor: String,
    pub kontak_pelapor: String,
}

/// A checked intake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseInput {
    pub source: IntakeSource,
    pub category: CaseCategory,
    pub urgency: Urgency,
    pub worker_name: String,
    /// ISO2, or empty when not known.
    pub country: String,
    pub agency: String,
    pub employer: String,
    pub chronology: String,
    pub reporter: String,
    pub reporter_contact: String,
}

impl RawCase {
    /// Every problem at once. `has_registry_person`: the case is linked to a person of the
    /// registry, whose name is stored there, so a typed name becomes optional.
    pub fn check(&self, has_registry_person: bool) -> Result<CaseInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let source = ok_or_push(self.sumber.parse::<IntakeSource>(), &mut errors);
        let category = ok_or_push(self.kategori.parse::<CaseCategory>(), &mut errors);
        let urgency = ok_or_push(self.urgensi.parse::<Urgency>(), &mut errors);
        let name_min = if has_registry_person { 0 } else { NAME_MIN };
        let worker_name = push_err(
            line(
                "nama_pekerja",
                &self.nama_pekerja,
                name_min,
                NAME_MAX,
                "nama pekerja",
            ),
            &mut errors,
        );
        let country = ok_or_push(country_code(&self.negara), &mut errors).unwrap_or_default();
        let agency = push_err(
            line("agensi", &self.agensi, 0, NAME_MAX, "nama agensi/P3MI"),
            &mut errors,
        );
        let employer = push_err(
            line(
                "pemberi_kerja",
                &self.pemberi_kerja,
                0,
                NAME_MAX,
                "nama pemberi kerja",
            ),
            &mut errors,
        );
        let chronology = push_err(
            block(
                "kronologi",
                &self.kronologi,
                CHRONOLOGY_MIN,
                CHRONOLOGY_MAX,
                "kronologi",
            ),
            &mut errors,
        );
        let reporter = push_err(
            line(
                "pelapor",
                &self.pelapor,
                0,
                NAME_MAX,
                "nama dan hubungan pelapor",
            ),
            &mut errors,
        );
        let reporter_contact = push_err(
            line(
                "kontak_pelapor",
                &self.kontak_pelapor,
                0,
                NAME_MAX,
                "kontak pelapor",
            ),
            &mut errors,
        );
        match (source, category, urgency) {
            (Some(source), Some(category), Some(urgency)) if errors.is_empty() => Ok(CaseInput {
                source,
                category,
                urgency,
                worker_name,
                country,
                agency,
                employer,
                chronology,
                reporter,
                reporter_contact,
            }),
            _ => Err(errors),
        }
    }
}

/// The document checklist of a case, after SBMI's referral checklist: what a receiving office
/// asks for first. `(code, label_id, label_en)`.
pub const CASE_DOCUMENTS: &[(&str, &str, &str)] = &[
    ("kronologi", "Kronologi tertulis", "Written chronology"),
    ("surat_kuasa", "Surat kuasa", "Power of attorney"),
    ("paspor", "Paspor", "Passport"),
    (
        "perjanjian_kerja",
        "Perjanjian kerja",
        "Employment contract",
    ),
    (
        "perjanjian_penempatan",
        "Perjanjian penempatan",
        "Placement agreement",
    ),
    ("kartu_keluarga", "Kartu Keluarga", "Family card (KK)"),
    ("foto", "Foto pendukung", "Supporting photos"),
];

/// Counts that may become public are suppressed below this: in a village, "2 trafficking cases
/// from Taiwan" names the families.
pub const SMALL_COUNT: i64 = 5;

/// A count as shown where it could become public: `None` (shown "<5") for 1 to
/// `SMALL_COUNT - 1`, the number otherwise. Zero stays visible: an empty cell reveals no one.
pub fn suppress(n: i64) -> Option<i64> {
    if (1..SMALL_COUNT).contains(&n) {
        None
    } else {
        Some(n)
    }
}

/// Suppresses a table of counts so that no small cell can be recovered from its row total, which
/// is assumed to be shown (through [`suppress`]). Cells from 1 to `SMALL_COUNT - 1` are hidden;
/// when exactly one cell of a row is hidden, the smallest other non-zero cell is hidden too
/// (complementary suppression), so the total minus the visible cells gives only a sum of two.
/// A row whose only non-zero cell is small keeps that one hidden cell: its total equals the cell
/// and is hidden by [`suppress`] as well. Columns are not considered: a table whose column totals
/// are shown needs them suppressed by the caller.
pub fn suppress_table(rows: &[(String, Vec<i64>)]) -> Vec<(String, Vec<Option<i64>>)> {
    rows.iter()
        .map(|(label, cells)| {
            let mut shown: Vec<Option<i64>> = cells.iter().map(|&n| suppress(n)).collect();
            if shown.iter().filter(|c| c.is_none()).count() == 1 {
                let complement = shown
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| c.filter(|&n| n != 0).map(|n| (n, i)))
                    .min();
                if let Some((_, i)) = complement {
                    shown[i] = None;
                }
            }
            (label.clone(), shown)
        })
        .collect()
}

/// The canonical ISO2 code of a catalog country, or empty when none was given: the country is
/// often unknown at intake (a broker's promise, a worker out of contact).
fn country_code(raw: &str) -> Result<String, Invalid> {
    match raw.trim() {
        "" => Ok(String::new()),
        typed => crate::catalog::country(typed)
            .map(|c| c.iso2.to_owned())
            .ok_or_else(|| {
                Invalid::new(
                    "negara",
                    "pilih negara dari daftar, atau kosongkan bila belum tahu",
                )
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::{Index, select};
    use std::collections::HashSet;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const WHY: &str = "pekerja dideportasi lagi";

    /// The allowed status moves written out independently of `CASE_EDGES`, by stored name.
    const EXPECTED_MOVES: &[(&str, &str)] = &[
        ("new", "assessed"),
        ("new", "closed"),
        ("assessed", "in_progress"),
        ("assessed", "referred"),
        ("assessed", "closed"),
        ("in_progress", "referred"),
        ("in_progress", "resolved"),
        ("referred", "in_progress"),
        ("referred", "resolved"),
        ("resolved", "closed"),
        ("resolved", "in_progress"),
        ("closed", "in_progress"),
    ];

    #[test]
    fn every_status_pair_is_allowed_exactly_when_listed() {
        let mut allowed = 0;
        for &from in CaseStatus::ALL {
            for &to in CaseStatus::ALL {
                let expected = EXPECTED_MOVES.contains(&(from.as_str(), to.as_str()));
                assert_eq!(from.can_move_to(to), expected, "{from} → {to}");
                assert_eq!(check_move(from, to, WHY).is_ok(), expected, "{from} → {to}");
                assert_eq!(from.next().contains(&to), expected, "{from} → {to}");
                allowed += usize::from(expected);
            }
        }
        assert_eq!(allowed, EXPECTED_MOVES.len());
    }

    #[test]
    fn open_states_are_all_but_resolved_and_closed() {
        use CaseStatus::*;
        let open: Vec<CaseStatus> = CaseStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.is_open())
            .collect();
        assert_eq!(open, [New, Assessed, InProgress, Referred]);
    }

    #[test]
    fn refused_moves_name_both_states() {
        use CaseStatus::*;
        let err = check_move(New, Resolved, "").unwrap_err();
        assert_eq!(err.field, "status");
        assert_eq!(
            err.message,
            "status «Baru» tidak bisa pindah ke «Selesai»; dari «Baru» yang boleh: \
             «Dinilai», «Ditutup»"
        );
        let err = check_move(Referred, Referred, "").unwrap_err();
        assert!(
            err.message.contains("sudah berstatus «Dirujuk»"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_reopen_needs_a_reason_and_other_moves_do_not() {
        use CaseStatus::*;
        for from in [Resolved, Closed] {
            for note in ["", "   ", "lagi", "123456789"] {
                let err = check_move(from, InProgress, note).unwrap_err();
                assert_eq!(err.field, "catatan", "{from} {note:?}");
                assert!(
                    err.message.contains("alasan membuka kembali"),
                    "{}",
                    err.message
                );
            }
            assert!(check_move(from, InProgress, "1234567890").is_ok());
            assert!(check_move(from, InProgress, "  gaji belum dibayar lagi  ").is_ok());
        }
        assert!(check_move(New, Assessed, "").is_ok());
        assert!(check_move(Resolved, Closed, "").is_ok());
        assert!(check_move(Referred, InProgress, "").is_ok());
        let err = check_move(New, Assessed, "<script>x</script>").unwrap_err();
        assert_eq!(err.field, "catatan");
        assert!(check_move(New, Assessed, &"x".repeat(NOTE_MAX + 1)).is_err());
    }

    fn reachable_from(start: CaseStatus) -> HashSet<CaseStatus> {
        let mut seen = HashSet::from([start]);
        let mut todo = vec![start];
        while let Some(s) = todo.pop() {
            for to in s.next() {
                if seen.insert(to) {
                    todo.push(to);
                }
            }
        }
        seen
    }

    #[test]
    fn referral_status_table() {
        use ReferralStatus::*;
        let expected = [
            (InProgress, Accepted),
            (InProgress, Rejected),
            (InProgress, Revoked),
            (Accepted, Done),
            (Accepted, Revoked),
        ];
        for &from in ReferralStatus::ALL {
            for &to in ReferralStatus::ALL {
                let ok = expected.contains(&(from, to));
                assert_eq!(from.can_move_to(to), ok, "{from} → {to}");
                assert_eq!(
                    check_referral_move(from, to, "unit tidak menangani kasus ini").is_ok(),
                    ok,
                    "{from} → {to}"
                );
            }
        }
        let err = check_referral_move(Done, InProgress, "").unwrap_err();
        assert_eq!(err.field, "status");
        assert!(
            err.message.contains("«Selesai» sudah final"),
            "{}",
            err.message
        );
    }

    #[test]
    fn rejection_and_revocation_need_a_reason() {
        use ReferralStatus::*;
        for (from, to) in [
            (InProgress, Rejected),
            (InProgress, Revoked),
            (Accepted, Revoked),
        ] {
            for short in ["", "tidak", "123456789"] {
                let err = check_referral_move(from, to, short).unwrap_err();
                assert_eq!(err.field, "alasan", "{from} → {to}");
            }
            assert!(check_referral_move(from, to, "1234567890").is_ok());
        }
        assert!(check_referral_move(InProgress, Accepted, "").is_ok());
        assert!(check_referral_move(Accepted, Done, "").is_ok());
    }

    #[test]
    fn access_follows_the_referral_state() {
        use ReferralStatus::*;
        for (status, access) in [
            (InProgress, true),
            (Accepted, true),
            (Rejected, false),
            (Done, true),
            (Revoked, false),
        ] {
            assert_eq!(status.grants_access(), access, "{status}");
        }
    }

    const TODAY: &str = "2026-03-10";

    fn referral() -> RawReferral {
        RawReferral {
            tujuan: "bp3mi".into(),
            unit: " BP3MI  Jawa Barat ".into(),
            persetujuan: "pekerja".into(),
            nama_pemberi: "Siti Aminah".into(),
            tanggal_persetujuan: "09-03-2026".into(),
            alasan_pengecualian: String::new(),
            catatan: "Mohon bantu klaim gaji.".into(),
        }
    }

    #[test]
    fn a_referral_with_the_workers_consent_passes() {
        let r = referral().check(d(TODAY), false).unwrap();
        assert_eq!(
            r,
            ReferralInput {
                target: ReferralTarget::Bp3mi,
                unit: "BP3MI Jawa Barat".into(),
                consent: Consent::Worker,
                consent_by: "Siti Aminah".into(),
                consent_on: Some(d("2026-03-09")),
                override_reason: String::new(),
                note: "Mohon bantu klaim gaji.".into(),
            }
        );
    }

    /// Consent, name, date, override reason, permission, and the fields refused.
    type ConsentCase = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        bool,
        &'static [&'static str],
    );

    #[test]
    fn consent_rules() {
        let long_reason = "pekerja disekap majikan, nyawa terancam";
        let cases: &[ConsentCase] = &[
            ("pekerja", "Siti", TODAY, "", false, &[]),
            (
                "keluarga",
                "Bapak Karto (ayah)",
                "2026-01-01",
                "",
                false,
                &[],
            ),
            ("keluarga", "Bapak Karto", TODAY, "", true, &[]),
            ("pekerja", "", TODAY, "", false, &["nama_pemberi"]),
            ("keluarga", "Karto", "", "", false, &["tanggal_persetujuan"]),
            (
                "keluarga",
                "Karto",
                "2026-03-11",
                "",
                false,
                &["tanggal_persetujuan"],
            ),
            (
                "pekerja",
                "Siti",
                "kemarin",
                "",
                false,
                &["tanggal_persetujuan"],
            ),
            (
                "pekerja",
                "",
                "2027-01-01",
                "",
                false,
                &["nama_pemberi", "tanggal_persetujuan"],
            ),
            ("", "", "", "", false, &["persetujuan"]),
            ("", "Siti", TODAY, "", true, &["persetujuan"]),
            ("setuju", "Siti", TODAY, "", false, &["persetujuan"]),
            ("pengecualian", "", "", long_reason, false, &["persetujuan"]),
            ("pengecualian", "", "", "", true, &["alasan_pengecualian"]),
            (
                "pengecualian",
                "",
                "",
                "nyawa terancam",
                true,
                &["alasan_pengecualian"],
            ),
            ("pengecualian", "", "", "12345678901234567890", true, &[]),
            ("pengecualian", "", "", long_reason, true, &[]),
        ];
        for &(consent, name, date, reason, allowed, refused) in cases {
            let raw = RawReferral {
                persetujuan: consent.into(),
                nama_pemberi: name.into(),
                tanggal_persetujuan: date.into(),
                alasan_pengecualian: reason.into(),
                ..referral()
            };
            let fields: Vec<&str> = match raw.check(d(TODAY), allowed) {
                Ok(_) => vec![],
                Err(errors) => errors.iter().map(|e| e.field).collect(),
            };
            assert_eq!(
                fields, refused,
                "{consent:?} {name:?} {date:?} {reason:?} {allowed}"
            );
        }
    }

    #[test]
    fn consent_messages_say_what_is_needed() {
        let raw = RawReferral {
            persetujuan: String::new(),
            ..referral()
        };
        let err = &raw.check(d(TODAY), false).unwrap_err()[0];
        assert!(
            err.message.contains("dengan persetujuan"),
            "{}",
            err.message
        );
        assert!(err.message.contains("UU 27/2022"), "{}", err.message);
        let raw = RawReferral {
            persetujuan: "pengecualian".into(),
            ..referral()
        };
        let err = &raw.check(d(TODAY), false).unwrap_err()[0];
        assert!(err.message.contains("tidak berwenang"), "{}", err.message);
    }

    #[test]
    fn an_override_keeps_no_consent_data_and_consent_keeps_no_override_reason() {
        let raw = RawReferral {
            persetujuan: "pengecualian".into(),
            alasan_pengecualian: " pekerja disekap, keluarga tidak bisa dihubungi ".into(),
            ..referral()
        };
        let r = raw.check(d(TODAY), true).unwrap();
        assert_eq!(r.consent, Consent::Override);
        assert_eq!(r.consent_by, "");
        assert_eq!(r.consent_on, None);
        assert_eq!(
            r.override_reason,
            "pekerja disekap, keluarga tidak bisa dihubungi"
        );
        let raw = RawReferral {
            alasan_pengecualian: "tertinggal dari isian sebelumnya".into(),
            ..referral()
        };
        assert_eq!(raw.check(d(TODAY), true).unwrap().override_reason, "");
    }

    #[test]
    fn a_referral_reports_every_problem_at_once() {
        let raw = RawReferral {
            tujuan: "gubernur".into(),
            unit: String::new(),
            persetujuan: String::new(),
            catatan: "y".repeat(NOTE_MAX + 1),
            ..referral()
        };
        let fields: Vec<&str> = raw
            .check(d(TODAY), false)
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["tujuan", "unit", "persetujuan", "catatan"]);
        let raw = RawReferral {
            unit: "a".repeat(NAME_MAX + 1),
            ..referral()
        };
        assert!(raw.check(d(TODAY), false).is_err());
    }

    #[test]
    fn outcome_amount_rules() {
        // (kind, amount typed, accepted amount or None when refused)
        let cases: &[(&str, &str, Option<i64>)] = &[
            ("gaji_kembali", "9.622.000", Some(9_622_000)),
            ("gaji_kembali", "Rp 15.000.000", Some(15_000_000)),
            ("gaji_kembali", "", None),
            ("gaji_kembali", "0", None),
            ("gaji_kembali", "-5000", None),
            ("gaji_kembali", "lima juta", None),
            ("kompensasi", "50000000", Some(50_000_000)),
            ("kompensasi", "", None),
            ("klaim_asuransi", "", Some(0)),
            ("klaim_asuransi", "85.000.000", Some(85_000_000)),
            ("dipulangkan", "", Some(0)),
            ("dipulangkan", "0", Some(0)),
            ("dipulangkan", "1.000.000", None),
            ("proses_hukum", "", Some(0)),
            ("proses_hukum", "500", None),
            ("tidak_selesai", "", Some(0)),
            ("tidak_selesai", "100.000", None),
        ];
        for &(kind, amount, expected) in cases {
            let raw = RawOutcome {
                hasil: kind.into(),
                jumlah: amount.into(),
                tanggal: "2026-03-01".into(),
                catatan: String::new(),
            };
            match (raw.check(d(TODAY)), expected) {
                (Ok(o), Some(n)) => assert_eq!(o.amount_idr, n, "{kind} {amount:?}"),
                (Err(errors), None) => {
                    let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
                    assert_eq!(fields, ["jumlah"], "{kind} {amount:?}");
                }
                (got, _) => panic!("{kind} {amount:?}: {got:?}"),
            }
        }
    }

    #[test]
    fn an_outcome_needs_a_kind_and_a_past_date() {
        let ok = RawOutcome {
            hasil: "dipulangkan".into(),
            jumlah: String::new(),
            tanggal: TODAY.into(),
            catatan: "Tiba di Soekarno-Hatta.".into(),
        };
        let o = ok.check(d(TODAY)).unwrap();
        assert_eq!(
            o,
            OutcomeInput {
                kind: OutcomeKind::Repatriated,
                amount_idr: 0,
                on: d(TODAY),
                note: "Tiba di Soekarno-Hatta.".into(),
            }
        );
        let bad = RawOutcome {
            hasil: String::new(),
            jumlah: "1.000".into(),
            tanggal: "2026-03-11".into(),
            catatan: "<b>tebal</b>".into(),
        };
        let fields: Vec<&str> = bad
            .check(d(TODAY))
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["hasil", "tanggal", "catatan"]);
        let missing = RawOutcome {
            tanggal: String::new(),
            ..ok
        };
        assert_eq!(missing.check(d(TODAY)).unwrap_err()[0].field, "tanggal");
    }

    fn case() -> RawCase {
        RawCase {
            sumber: "keluarga".into(),
            kategori: "gaji_tidak_dibayar".into(),
            urgensi: "tinggi".into(),
            nama_pekerja: " Siti  Aminah ".into(),
            negara: "tw".into(),
            agensi: "PT Contoh Jaya".into(),
            pemberi_kerja: String::new(),
            kronologi: "Gaji tiga bulan terakhir belum dibayar majikan.\r\nAgensi tidak menjawab."
                .into(),
            pelapor: "Ibu Sumi (ibu kandung)".into(),
            kontak_pelapor: "0812 3456 7890".into(),
        }
    }

    #[test]
    fn a_plain_case_passes_and_is_cleaned() {
        let c = case().check(false).unwrap();
        assert_eq!(
            c,
            CaseInput {
                source: IntakeSource::Family,
                category: CaseCategory::UnpaidWages,
                urgency: Urgency::High,
                worker_name: "Siti Aminah".into(),
                country: "TW".into(),
                agency: "PT Contoh Jaya".into(),
                employer: String::new(),
                chronology:
                    "Gaji tiga bulan terakhir belum dibayar majikan.\nAgensi tidak menjawab.".into(),
                reporter: "Ibu Sumi (ibu kandung)".into(),
                reporter_contact: "0812 3456 7890".into(),
            }
        );
    }

    #[test]
    fn a_case_reports_every_problem_at_once() {
        let raw = RawCase {
            sumber: "telepon".into(),
            kategori: String::new(),
            urgensi: "segera".into(),
            nama_pekerja: "S".into(),
            negara: "XX".into(),
            agensi: "a".repeat(NAME_MAX + 1),
            pemberi_kerja: "b".repeat(NAME_MAX + 1),
            kronologi: "terlalu pendek".into(),
            pelapor: "c".repeat(NAME_MAX + 1),
            kontak_pelapor: "d".repeat(NAME_MAX + 1),
        };
        let fields: Vec<&str> = raw
            .check(false)
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "sumber",
                "kategori",
                "urgensi",
                "nama_pekerja",
                "negara",
                "agensi",
                "pemberi_kerja",
                "kronologi",
                "pelapor",
                "kontak_pelapor"
            ]
        );
        let long = RawCase {
            kronologi: "x".repeat(CHRONOLOGY_MAX + 1),
            ..case()
        };
        assert_eq!(long.check(false).unwrap_err()[0].field, "kronologi");
        let longest = RawCase {
            kronologi: "x".repeat(CHRONOLOGY_MAX),
            ..case()
        };
        assert!(longest.check(false).is_ok());
    }

    #[test]
    fn the_worker_name_is_optional_only_for_a_registry_person() {
        let raw = RawCase {
            nama_pekerja: String::new(),
            ..case()
        };
        let err = &raw.check(false).unwrap_err()[0];
        assert_eq!(err.field, "nama_pekerja");
        assert_eq!(err.message, "nama pekerja wajib diisi");
        assert_eq!(raw.check(true).unwrap().worker_name, "");
        let empty_country = RawCase {
            negara: " ".into(),
            ..case()
        };
        assert_eq!(empty_country.check(true).unwrap().country, "");
    }

    type Setter = fn(&mut RawCase, &str);

    #[test]
    fn markup_is_refused_in_every_text_field() {
        let bad = "<script>alert(1)</script> gaji tidak dibayar";
        let setters: [(&str, Setter); 7] = [
            ("nama_pekerja", |r, s| r.nama_pekerja = s.into()),
            ("agensi", |r, s| r.agensi = s.into()),
            ("pemberi_kerja", |r, s| r.pemberi_kerja = s.into()),
            ("kronologi", |r, s| r.kronologi = s.into()),
            ("pelapor", |r, s| r.pelapor = s.into()),
            ("kontak_pelapor", |r, s| r.kontak_pelapor = s.into()),
            ("kronologi", |r, s| {
                r.kronologi = format!("{s} javascript:x")
            }),
        ];
        for (field, set) in setters {
            let mut raw = case();
            set(&mut raw, bad);
            let errors = raw.check(false).unwrap_err();
            assert_eq!(errors.len(), 1, "{field}");
            assert_eq!(errors[0].field, field);
            assert!(errors[0].message.contains("kode atau tanda < >"));
        }
        let fine = RawCase {
            kronologi: "Potongan gaji < 10% katanya, tapi ternyata separuh gaji.".into(),
            ..case()
        };
        assert!(fine.check(false).is_ok());
    }

    #[test]
    fn deadlines_and_overdue_boundaries() {
        use CaseStatus::*;
        let last = d("2026-03-01");
        assert_eq!(due_on(Urgency::Emergency, last), d("2026-03-02"));
        assert_eq!(due_on(Urgency::High, last), d("2026-03-04"));
        assert_eq!(due_on(Urgency::Normal, last), d("2026-03-15"));
        assert_eq!(due_on(Urgency::Normal, d("2026-12-25")), d("2027-01-08"));
        for &urgency in Urgency::ALL {
            let due = due_on(urgency, last);
            for &status in CaseStatus::ALL {
                let open = status.is_open();
                assert!(!is_overdue(status, urgency, last, last));
                assert!(!is_overdue(status, urgency, last, due), "due today");
                assert_eq!(
                    is_overdue(status, urgency, last, due.succ_opt().unwrap()),
                    open,
                    "due yesterday, {status}"
                );
            }
            assert!(!is_overdue(Closed, urgency, last, d("2030-01-01")));
            assert!(!is_overdue(Resolved, urgency, last, d("2030-01-01")));
            assert!(is_overdue(New, urgency, last, d("2030-01-01")));
        }
    }

    #[test]
    fn stored_names_labels_and_parsing() {
        fn check<T>(
            all: &[T],
            field: &str,
            name: fn(T) -> &'static str,
            id: fn(T) -> &'static str,
            en: fn(T) -> &'static str,
        ) where
            T: Copy + PartialEq + fmt::Debug + FromStr<Err = Invalid> + serde::Serialize,
        {
            let names: HashSet<&str> = all.iter().map(|&v| name(v)).collect();
            let ids: HashSet<&str> = all.iter().map(|&v| id(v)).collect();
            let ens: HashSet<&str> = all.iter().map(|&v| en(v)).collect();
            assert_eq!(names.len(), all.len());
            assert_eq!(ids.len(), all.len());
            assert_eq!(ens.len(), all.len());
            for &v in all {
                assert_eq!(name(v).parse::<T>().unwrap(), v);
                assert_eq!(format!(" {} ", name(v)).parse::<T>().unwrap(), v);
                assert_eq!(
                    serde_json::to_string(&v).unwrap(),
                    format!("\"{}\"", name(v))
                );
            }
            for bad in ["", "tidak-ada", "Lainnya!"] {
                let err = bad.parse::<T>().unwrap_err();
                assert_eq!(err.field, field, "{bad:?}");
                assert!(
                    err.message
                        .starts_with(if bad.is_empty() { "pilih" } else { "«" })
                );
            }
        }
        check(
            CaseCategory::ALL,
            "kategori",
            CaseCategory::as_str,
            CaseCategory::label_id,
            CaseCategory::label_en,
        );
        check(
            Urgency::ALL,
            "urgensi",
            Urgency::as_str,
            Urgency::label_id,
            Urgency::label_en,
        );
        check(
            IntakeSource::ALL,
            "sumber",
            IntakeSource::as_str,
            IntakeSource::label_id,
            IntakeSource::label_en,
        );
        check(
            CaseStatus::ALL,
            "status",
            CaseStatus::as_str,
            CaseStatus::label_id,
            CaseStatus::label_en,
        );
        check(
            ReferralTarget::ALL,
            "tujuan",
            ReferralTarget::as_str,
            ReferralTarget::label_id,
            ReferralTarget::label_en,
        );
        check(
            ReferralStatus::ALL,
            "status",
            ReferralStatus::as_str,
            ReferralStatus::label_id,
            ReferralStatus::label_en,
        );
        check(
            Consent::ALL,
            "persetujuan",
            Consent::as_str,
            Consent::label_id,
            Consent::label_en,
        );
        check(
            OutcomeKind::ALL,
            "hasil",
            OutcomeKind::as_str,
            OutcomeKind::label_id,
            OutcomeKind::label_en,
        );

        let stored: Vec<&str> = CaseCategory::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            stored,
            [
                "ingin_dipulangkan",
                "gaji_tidak_dibayar",
                "gagal_berangkat",
                "meninggal_dunia",
                "sakit",
                "penipuan",
                "biaya_berlebih",
                "dokumen_ditahan",
                "kekerasan",
                "perdagangan_orang",
                "hilang_kontak",
                "phk",
                "jaminan_sosial",
                "lainnya"
            ]
        );
        assert_eq!(CaseCategory::Fraud.label_id(), "Penipuan/lowongan palsu");
        assert_eq!(CaseCategory::Dismissal.label_id(), "PHK");
        let labels: Vec<&str> = CaseStatus::ALL.iter().map(|s| s.label_id()).collect();
        assert_eq!(
            labels,
            [
                "Baru",
                "Dinilai",
                "Ditangani",
                "Dirujuk",
                "Selesai",
                "Ditutup"
            ]
        );
        assert_eq!(ReferralTarget::KdeiOrEmbassy.as_str(), "perwakilan_ri");
        assert_eq!(
            ReferralTarget::KdeiOrEmbassy.label_id(),
            "KDEI/Kedutaan/Konsulat RI"
        );
        assert_eq!(IntakeSource::ReturningWorker.as_str(), "purna_pmi");
        assert_eq!(OutcomeKind::WagesRecovered.as_str(), "gaji_kembali");
        assert_eq!(Consent::Override.as_str(), "pengecualian");
        assert_eq!(
            serde_json::from_str::<Urgency>("\"darurat\"").unwrap(),
            Urgency::Emergency
        );
        let err = "segera".parse::<Urgency>().unwrap_err();
        assert_eq!(
            err.message,
            "«segera» bukan tingkat urgensi yang dikenal; pilih salah satu: Darurat, Tinggi, Biasa"
        );
    }

    #[test]
    fn raw_forms_deserialize_with_missing_fields() {
        let raw: RawCase = serde_json::from_str(r#"{"kategori":"phk"}"#).unwrap();
        assert_eq!(raw.kategori, "phk");
        assert_eq!(raw.kronologi, "");
        let raw: RawReferral = serde_json::from_str("{}").unwrap();
        assert_eq!(raw.tujuan, "");
        let raw: RawOutcome = serde_json::from_str(r#"{"jumlah":"1.000"}"#).unwrap();
        assert_eq!(raw.jumlah, "1.000");
    }

    #[test]
    fn the_document_checklist() {
        let codes: Vec<&str> = CASE_DOCUMENTS.iter().map(|d| d.0).collect();
        assert_eq!(
            codes,
            [
                "kronologi",
                "surat_kuasa",
                "paspor",
                "perjanjian_kerja",
                "perjanjian_penempatan",
                "kartu_keluarga",
                "foto"
            ]
        );
        assert_eq!(CASE_DOCUMENTS[5].1, "Kartu Keluarga");
        assert_eq!(CASE_DOCUMENTS[6].1, "Foto pendukung");
        assert!(CASE_DOCUMENTS.iter().all(|d| !d.2.is_empty()));
    }

    #[test]
    fn suppress_small_counts() {
        for (n, shown) in [
            (0, Some(0)),
            (1, None),
            (2, None),
            (3, None),
            (4, None),
            (5, Some(5)),
            (6, Some(6)),
            (120, Some(120)),
        ] {
            assert_eq!(suppress(n), shown, "{n}");
        }
    }

    fn row(label: &str, cells: &[i64]) -> (String, Vec<i64>) {
        (label.to_owned(), cells.to_vec())
    }

    #[test]
    fn suppress_table_hides_a_second_cell_beside_a_lone_small_one() {
        let out = suppress_table(&[
            row("Taiwan", &[3, 12, 7, 0]),
            row("Malaysia", &[2, 1, 40, 9]),
            row("Hong Kong", &[5, 6, 0, 8]),
            row("Jepang", &[0, 4, 0, 0]),
            row("Korea", &[]),
            row("Arab Saudi", &[6, 2, 6]),
        ]);
        assert_eq!(
            out,
            vec![
                ("Taiwan".to_owned(), vec![None, Some(12), None, Some(0)]),
                ("Malaysia".to_owned(), vec![None, None, Some(40), Some(9)]),
                (
                    "Hong Kong".to_owned(),
                    vec![Some(5), Some(6), Some(0), Some(8)]
                ),
                ("Jepang".to_owned(), vec![Some(0), None, Some(0), Some(0)]),
                ("Korea".to_owned(), vec![]),
                // Ties: the first of the smallest goes.
                ("Arab Saudi".to_owned(), vec![None, None, Some(6)]),
            ]
        );
        // The lone small cell of "Jepang" is its total, which `suppress` hides too.
        assert_eq!(suppress(4), None);
    }

    proptest! {
        #[test]
        fn every_status_is_reachable_from_new_and_a_closed_case_can_always_reopen(
            status in select(CaseStatus::ALL),
        ) {
            prop_assert!(reachable_from(CaseStatus::New).contains(&status));
            prop_assert!(reachable_from(status).contains(&CaseStatus::Closed));
            prop_assert!(check_move(CaseStatus::Closed, CaseStatus::InProgress, WHY).is_ok());
        }

        #[test]
        fn walks_along_next_are_accepted_and_always_reopenable(
            picks in prop::collection::vec(any::<Index>(), 0..30),
        ) {
            let mut status = CaseStatus::New;
            for pick in picks {
                let options = status.next();
                prop_assert!(!options.is_empty(), "{} has no way out", status);
                let to = options[pick.index(options.len())];
                prop_assert!(check_move(status, to, WHY).is_ok(), "{} → {}", status, to);
                status = to;
            }
            prop_assert!(reachable_from(status).contains(&CaseStatus::Closed));
            if status == CaseStatus::Closed {
                prop_assert!(check_move(status, CaseStatus::InProgress, WHY).is_ok());
                prop_assert!(check_move(status, CaseStatus::InProgress, "").is_err());
            }
        }

        #[test]
        fn suppressed_tables_hide_small_cells_and_never_leave_one_alone(
            rows in prop::collection::vec(prop::collection::vec(0i64..12, 0..6), 0..8),
        ) {
            let input: Vec<(String, Vec<i64>)> = rows
                .iter()
                .enumerate()
                .map(|(i, cells)| (format!("r{i}"), cells.clone()))
                .collect();
            let output = suppress_table(&input);
            prop_assert_eq!(output.len(), input.len());
            for ((label, cells), (out_label, shown)) in input.iter().zip(&output) {
                prop_assert_eq!(label, out_label);
                prop_assert_eq!(cells.len(), shown.len());
                for (&n, &s) in cells.iter().zip(shown) {
                    match s {
                        Some(v) => prop_assert!(v == n && (v == 0 || v >= SMALL_COUNT)),
                        None => prop_assert!(n > 0),
                    }
                }
                let hidden = shown.iter().filter(|s| s.is_none()).count();
                let non_zero = cells.iter().filter(|&&n| n != 0).count();
                if non_zero >= 2 {
                    prop_assert!(hidden != 1, "{:?} → {:?}", cells, shown);
                } else if hidden == 1 {
                    // The one non-zero cell is the row total, and the total is hidden too.
                    let total: i64 = cells.iter().sum();
                    prop_assert_eq!(suppress(total), None);
                }
            }
        }
    }
}
