//! The stages of one migration episode (one departure of one person) and the moves allowed
//! between them. The village records these stages because UU 18/2017 Pasal 42 makes it register
//! prospective workers and monitor their departure and return.
//!
//! Every change of stage goes through [`check_transition`], so pages, the API and the CLI refuse
//! the same impossible histories (departing without registering, working after returning).

use crate::Invalid;
use std::fmt;
use std::str::FromStr;

macro_rules! stages {
    ($($(#[$m:meta])* $variant:ident = $s:literal),+ $(,)?) => {
        /// Where a migration episode stands.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Stage { $($(#[$m])* $variant),+ }

        impl Stage {
            /// Every stage, main line first.
            pub const ALL: &'static [Stage] = &[$(Stage::$variant),+];

            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $(Stage::$variant => $s),+ }
            }

            pub fn parse(s: &str) -> Result<Stage, Invalid> {
                match s.trim() {
                    $($s => Ok(Stage::$variant),)+
                    other => Err(Invalid::new("tahap", format!(
                        "«{other}» tidak dikenal; pilih salah satu: {}",
                        [$($s),+].join(", ")
                    ))),
                }
            }
        }
    };
}

stages!(
    /// Asked about working abroad.
    Interested = "interested",
    /// Heard the village's counselling on rights, costs, risks and the legal route.
    Counselled = "counselled",
    /// Gathering the documents of UU 18/2017 Pasal 13.
    Documents = "documents",
    /// In training or competency certification.
    Training = "training",
    /// Registered on SIAPkerja and holding an ID PMI.
    Registered = "registered",
    /// Has left Indonesia.
    Departed = "departed",
    /// Working abroad.
    Working = "working",
    /// Back in the village; the episode is over.
    Returned = "returned",
    /// Decided not to go before departure.
    Cancelled = "cancelled",
    /// Meant to go but the placement fell through (a complaint category of BP2MI: *gagal berangkat*).
    FailedDeparture = "failed_departure",
    /// Died while abroad.
    Deceased = "deceased",
    /// Abroad and not reachable by the family or the village.
    LostContact = "lost_contact",
);

use Stage::*;

/// The allowed moves, each stage's main-line successor first; everything else is refused.
const EDGES: &[(Stage, Stage)] = &[
    (Interested, Counselled),
    (Interested, Cancelled),
    (Counselled, Documents),
    (Counselled, Cancelled),
    (Documents, Training),
    // Training is not always a separate step: some workers hold a certificate already.
    (Documents, Registered),
    (Documents, Cancelled),
    (Documents, FailedDeparture),
    (Training, Registered),
    (Training, Cancelled),
    (Training, FailedDeparture),
    (Registered, Departed),
    (Registered, Cancelled),
    (Registered, FailedDeparture),
    (Departed, Working),
    // Sent home early, before starting the job.
    (Departed, Returned),
    (Departed, LostContact),
    (Departed, Deceased),
    (Working, Returned),
    (Working, LostContact),
    (Working, Deceased),
    // Contact restored.
    (LostContact, Working),
    (LostContact, Returned),
    (LostContact, Deceased),
];

impl Stage {
    /// Stages with no way out: a new departure is a new episode.
    pub fn is_final(self) -> bool {
        matches!(self, Returned | Cancelled | FailedDeparture | Deceased)
    }

    /// The person is outside Indonesia, which is when the family most needs the village.
    pub fn is_abroad(self) -> bool {
        matches!(self, Departed | Working | LostContact)
    }

    /// The stages this one may move to, the main line first.
    pub fn next(self) -> Vec<Stage> {
        EDGES
            .iter()
            .filter(|(from, _)| *from == self)
            .map(|&(_, to)| to)
            .collect()
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Stage, Invalid> {
        Stage::parse(s)
    }
}

/// The Indonesian label shown to operators and families.
pub fn label_id(stage: Stage) -> &'static str {
    match stage {
        Interested => "Berminat",
        Counselled => "Sudah bimbingan",
        Documents => "Melengkapi dokumen",
        Training => "Pelatihan/sertifikasi",
        Registered => "Terdaftar (SIAPkerja/ID PMI)",
        Departed => "Berangkat",
        Working => "Bekerja di luar negeri",
        Returned => "Pulang",
        Cancelled => "Batal",
        FailedDeparture => "Gagal berangkat",
        Deceased => "Meninggal dunia",
        LostContact => "Hilang kontak",
    }
}

pub fn label_en(stage: Stage) -> &'static str {
    match stage {
        Interested => "Interested",
        Counselled => "Counselled",
        Documents => "Gathering documents",
        Training => "Training/certification",
        Registered => "Registered (SIAPkerja/ID PMI)",
        Departed => "Departed",
        Working => "Working abroad",
        Returned => "Returned",
        Cancelled => "Cancelled",
        FailedDeparture => "Failed to depart",
        Deceased => "Deceased",
        LostContact => "Lost contact",
    }
}

/// Whether an episode may move from `from` to `to`; the refusal tells the operator what is
/// possible instead.
pub fn check_transition(from: Stage, to: Stage) -> Result<(), Invalid> {
    if EDGES.contains(&(from, to)) {
        return Ok(());
    }
    let (from_label, to_label) = (label_id(from), label_id(to));
    let message = if from == to {
        format!("episode ini sudah pada tahap «{from_label}»; itu bukan perpindahan tahap")
    } else if from.is_final() {
        format!(
            "tahap «{from_label}» adalah tahap akhir, jadi tidak bisa pindah ke «{to_label}»; \
             untuk keberangkatan baru, buat episode baru"
        )
    } else {
        let allowed = from
            .next()
            .into_iter()
            .map(|s| format!("«{}»", label_id(s)))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "dari tahap «{from_label}» tidak bisa pindah ke «{to_label}»; \
             tahap berikutnya yang boleh: {allowed}"
        )
    };
    Err(Invalid::new("tahap", message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::{Index, select};
    use std::collections::HashSet;

    /// The allowed moves written out independently of `EDGES`, by stored name.
    const EXPECTED: &[(&str, &str)] = &[
        ("interested", "counselled"),
        ("interested", "cancelled"),
        ("counselled", "documents"),
        ("counselled", "cancelled"),
        ("documents", "training"),
        ("documents", "registered"),
        ("documents", "cancelled"),
        ("documents", "failed_departure"),
        ("training", "registered"),
        ("training", "cancelled"),
        ("training", "failed_departure"),
        ("registered", "departed"),
        ("registered", "cancelled"),
        ("registered", "failed_departure"),
        ("departed", "working"),
        ("departed", "returned"),
        ("departed", "lost_contact"),
        ("departed", "deceased"),
        ("working", "returned"),
        ("working", "lost_contact"),
        ("working", "deceased"),
        ("lost_contact", "working"),
        ("lost_contact", "returned"),
        ("lost_contact", "deceased"),
    ];

    #[test]
    fn every_pair_is_allowed_exactly_when_it_is_in_the_table() {
        let mut allowed = 0;
        for &from in Stage::ALL {
            for &to in Stage::ALL {
                let expected = EXPECTED.contains(&(from.as_str(), to.as_str()));
                assert_eq!(
                    check_transition(from, to).is_ok(),
                    expected,
                    "{from} → {to}"
                );
                allowed += usize::from(expected);
            }
        }
        assert_eq!(allowed, EXPECTED.len());
    }

    #[test]
    fn the_main_line_comes_first() {
        let main_line = [
            Interested, Counselled, Documents, Training, Registered, Departed, Working, Returned,
        ];
        for step in main_line.windows(2) {
            assert_eq!(step[0].next()[0], step[1], "after {}", step[0]);
        }
        assert_eq!(
            Documents.next(),
            [Training, Registered, Cancelled, FailedDeparture]
        );
    }

    #[test]
    fn final_stages_are_exactly_those_without_exits() {
        for &stage in Stage::ALL {
            assert_eq!(stage.is_final(), stage.next().is_empty(), "{stage}");
        }
        let finals: Vec<Stage> = Stage::ALL
            .iter()
            .copied()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(finals, [Returned, Cancelled, FailedDeparture, Deceased]);
        let abroad: Vec<Stage> = Stage::ALL
            .iter()
            .copied()
            .filter(|s| s.is_abroad())
            .collect();
        assert_eq!(abroad, [Departed, Working, LostContact]);
    }

    #[test]
    fn stored_names_round_trip() {
        assert_eq!(Stage::ALL.len(), 12);
        for &stage in Stage::ALL {
            assert_eq!(Stage::parse(stage.as_str()).unwrap(), stage);
            assert_eq!(stage.to_string().parse::<Stage>().unwrap(), stage);
            assert_eq!(
                serde_json::to_string(&stage).unwrap(),
                format!("\"{}\"", stage.as_str())
            );
        }
        assert_eq!(Stage::parse(" lost_contact ").unwrap(), LostContact);
        assert_eq!(FailedDeparture.as_str(), "failed_departure");
        for bad in ["", "Working", "berangkat", "lost-contact"] {
            let err = Stage::parse(bad).unwrap_err();
            assert_eq!(err.field, "tahap");
            assert!(err.message.contains("failed_departure"), "{}", err.message);
        }
    }

    #[test]
    fn labels_are_distinct_and_complete() {
        let ids: HashSet<&str> = Stage::ALL.iter().map(|&s| label_id(s)).collect();
        let ens: HashSet<&str> = Stage::ALL.iter().map(|&s| label_en(s)).collect();
        assert_eq!(ids.len(), Stage::ALL.len());
        assert_eq!(ens.len(), Stage::ALL.len());
        assert_eq!(label_id(Registered), "Terdaftar (SIAPkerja/ID PMI)");
        assert_eq!(label_id(LostContact), "Hilang kontak");
        assert_eq!(label_en(Counselled), "Counselled");
    }

    #[test]
    fn refusals_name_both_stages_and_what_is_possible() {
        let err = check_transition(Interested, Departed).unwrap_err();
        assert_eq!(err.field, "tahap");
        assert_eq!(
            err.message,
            "dari tahap «Berminat» tidak bisa pindah ke «Berangkat»; \
             tahap berikutnya yang boleh: «Sudah bimbingan», «Batal»"
        );
        let err = check_transition(Returned, Working).unwrap_err();
        assert!(err.message.contains("«Pulang» adalah tahap akhir"));
        assert!(err.message.contains("«Bekerja di luar negeri»"));
        let err = check_transition(Departed, Departed).unwrap_err();
        assert!(err.message.contains("sudah pada tahap «Berangkat»"));
    }

    fn reachable_from(start: Stage) -> HashSet<Stage> {
        let mut seen = HashSet::from([start]);
        let mut todo = vec![start];
        while let Some(stage) = todo.pop() {
            for to in stage.next() {
                if seen.insert(to) {
                    todo.push(to);
                }
            }
        }
        seen
    }

    proptest! {
        #[test]
        fn walks_along_next_are_always_accepted(picks in prop::collection::vec(any::<Index>(), 0..20)) {
            let mut stage = Interested;
            for pick in picks {
                let options = stage.next();
                if options.is_empty() {
                    prop_assert!(stage.is_final());
                    break;
                }
                let to = options[pick.index(options.len())];
                prop_assert!(check_transition(stage, to).is_ok(), "{} → {}", stage, to);
                prop_assert!(to != stage);
                stage = to;
            }
            if stage.is_final() {
                for &to in Stage::ALL {
                    prop_assert!(check_transition(stage, to).is_err(), "{} → {}", stage, to);
                }
            }
        }

        #[test]
        fn check_transition_agrees_with_next(from in select(Stage::ALL), to in select(Stage::ALL)) {
            prop_assert_eq!(check_transition(from, to).is_ok(), from.next().contains(&to));
        }

        #[test]
        fn every_stage_is_reachable_and_every_episode_can_end(stage in select(Stage::ALL)) {
            prop_assert!(reachable_from(Interested).contains(&stage));
            if !stage.is_final() {
                prop_assert!(reachable_from(stage).iter().any(|s| s.is_final()));
            }
        }
    }
}
