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
mod tests;
