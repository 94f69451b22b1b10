//! SHU (*sisa hasil usaha*, UU 25/1992 Pasal 45): the year's result after the year's costs,
//! shared as the RAT (the members' annual meeting) decides. The RAT sets, per year, what share
//! goes to each part — the reserve, the members' capital and patronage services, the board, the
//! staff, education, social purposes, the working area — and the members' two parts are split
//! per member: *jasa modal* by each member's savings, *jasa anggota* by the interest each paid on
//! loans and by each one's transactions with the co-op. Both on capital and on patronage, exact
//! to the rupiah (Fineract shares on capital only, in floating point, and drops the remainder).
//!
//! Every split uses [`super::largest_remainder`], so each set of parts adds up to its pool
//! exactly. Percentages are basis points (two decimals: 12,5 % = 1 250).

use super::{BP_WHOLE, largest_remainder};
use crate::Invalid;
use crate::form::choices;
use std::fmt;
use std::str::FromStr;

choices!(
    /// The parts the RAT divides the SHU into (the usual parts of co-op articles; the law names
    /// the reserve and the members' services, the rest come from the articles).
    ShuPart, field = "bagian", what = "bagian SHU", {
        Reserve = "cadangan", "Cadangan", "Reserve";
        /// Members, by their savings.
        CapitalService = "jasa_modal", "Jasa modal", "Return on members' capital";
        /// Members, by their business with the co-op.
        PatronageService = "jasa_anggota", "Jasa anggota", "Patronage refund";
        Board = "dana_pengurus", "Dana pengurus", "Board fund";
        Staff = "dana_karyawan", "Dana karyawan", "Staff fund";
        Education = "dana_pendidikan", "Dana pendidikan", "Education fund";
        Social = "dana_sosial", "Dana sosial", "Social fund";
        WorkingArea = "dana_pembangunan_daerah_kerja", "Dana pembangunan daerah kerja",
            "Working-area development fund";
    }
);

choices!(
    /// Where a year's SHU run stands, as the database stores it (`coop_shu_runs.status`):
    /// computed, approved by someone other than its maker, then posted to the books.
    ShuStatus, field = "status", what = "status SHU", {
        Draft = "draf", "Dihitung, belum disetujui", "Computed, not yet approved";
        Approved = "disetujui", "Disetujui, belum dibukukan", "Approved, not yet posted";
        Posted = "diposting", "Disetujui dan dibukukan", "Approved and posted";
    }
);

/// The RAT's decision for one book year: basis points per part (summing to 100 %), and how the
/// *jasa anggota* pool is split between interest paid on loans and other transactions.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShuPlan {
    year: i32,
    shares: Vec<(ShuPart, u32)>,
    patronage_interest_bp: u32,
}

impl ShuPlan {
    /// Refused unless every part appears at most once and the shares sum to exactly 100 %, and
    /// the interest share of *jasa anggota* is at most 100 % (the rest goes by transactions).
    /// Parts are kept in [`ShuPart::ALL`] order, so remainders are broken the same way every year.
    pub fn new(
        year: i32,
        shares: Vec<(ShuPart, u32)>,
        patronage_interest_bp: u32,
    ) -> Result<ShuPlan, Vec<Invalid>> {
        let mut errors = Vec::new();
        for part in ShuPart::ALL {
            if shares.iter().filter(|(p, _)| p == part).count() > 1 {
                errors.push(Invalid::new(
                    "bagian",
                    format!("bagian «{}» disebut lebih dari sekali", part.label_id()),
                ));
            }
        }
        let sum: u64 = shares.iter().map(|&(_, bp)| bp as u64).sum();
        if sum != BP_WHOLE as u64 {
            errors.push(Invalid::new(
                "bagian",
                format!(
                    "jumlah persentase pembagian SHU harus tepat 100 %, sekarang {}",
                    percent(sum)
                ),
            ));
        }
        if patronage_interest_bp > BP_WHOLE as u32 {
            errors.push(Invalid::new(
                "jasa_anggota_bunga",
                "bagian jasa anggota menurut bunga pinjaman paling banyak 100 %",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut shares: Vec<(ShuPart, u32)> =
            shares.into_iter().filter(|&(_, bp)| bp > 0).collect();
        shares.sort_by_key(|(p, _)| ShuPart::ALL.iter().position(|x| x == p));
        Ok(ShuPlan {
            year,
            shares,
            patronage_interest_bp,
        })
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    /// The parts with a share above zero, in [`ShuPart::ALL`] order.
    pub fn shares(&self) -> &[(ShuPart, u32)] {
        &self.shares
    }

    pub fn patronage_interest_bp(&self) -> u32 {
        self.patronage_interest_bp
    }
}

/// Basis points as an Indonesian percentage: 1250 → "12,5 %".
pub fn percent(bp: u64) -> String {
    let (whole, frac) = (bp / 100, bp % 100);
    match frac {
        0 => format!("{whole} %"),
        f if f % 10 == 0 => format!("{whole},{} %", f / 10),
        f => format!("{whole},{f:02} %"),
    }
}

/// What one member brought to the year: the weights of the members' parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberBasis {
    /// The member's id; members are ordered by it before splitting, so ties always go the same
    /// way whatever order the caller lists them in.
    pub member: String,
    /// Savings counted for *jasa modal* (the db step decides which: pokok + wajib at the year's
    /// end is the usual reading).
    pub savings: i64,
    /// Interest (*jasa pinjaman*) paid during the year.
    pub interest_paid: i64,
    /// Other business with the co-op during the year (purchases, services), in rupiah.
    pub transactions: i64,
}

/// One member's share of the SHU.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MemberShare {
    pub member: String,
    pub capital: i64,
    pub patronage: i64,
    pub total: i64,
}

/// The year's SHU distributed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Distribution {
    pub year: i32,
    pub result: i64,
    /// Per part, in the plan's order; sums to `result`.
    pub parts: Vec<(ShuPart, i64)>,
    /// Per member, by member id; sums to the capital and patronage parts minus `unclaimed`.
    pub members: Vec<MemberShare>,
    /// A members' pool nobody had a weight for (no savings, or no interest paid and no
    /// transactions): it is added to the reserve, so no rupiah is left without an account.
    pub unclaimed: i64,
}

/// Distributes a positive year result. A loss is not distributed (the RAT decides how the reserve
/// covers it), so a result below zero is refused; a zero result gives zero everywhere.
pub fn distribute(
    result: i64,
    plan: &ShuPlan,
    members: &[MemberBasis],
) -> Result<Distribution, Invalid> {
    if result < 0 {
        return Err(Invalid::new(
            "shu",
            "hasil usaha tahun ini rugi; kerugian tidak dibagi, RAT memutuskan penutupannya dari \
             cadangan",
        ));
    }
    if members
        .iter()
        .any(|m| m.savings < 0 || m.interest_paid < 0 || m.transactions < 0)
    {
        return Err(Invalid::new(
            "anggota",
            "simpanan, bunga dan transaksi anggota tidak boleh negatif",
        ));
    }
    let weights: Vec<i64> = plan.shares.iter().map(|&(_, bp)| bp as i64).collect();
    let amounts = largest_remainder(result, &weights).expect("the shares sum to 100 %");
    let parts: Vec<(ShuPart, i64)> = plan.shares.iter().map(|&(p, _)| p).zip(amounts).collect();
    let pool = |part| {
        parts
            .iter()
            .find(|(p, _)| *p == part)
            .map_or(0, |&(_, a)| a)
    };

    let mut sorted: Vec<&MemberBasis> = members.iter().collect();
    sorted.sort_by(|a, b| a.member.cmp(&b.member));
    let mut unclaimed = 0;
    let mut split = |pool: i64, weight: fn(&MemberBasis) -> i64| -> Vec<i64> {
        let weights: Vec<i64> = sorted.iter().map(|m| weight(m)).collect();
        largest_remainder(pool, &weights).unwrap_or_else(|| {
            unclaimed += pool;
            vec![0; weights.len()]
        })
    };
    let patronage = pool(ShuPart::PatronageService);
    let by_interest = super::bp_of(patronage, plan.patronage_interest_bp);
    let capital = split(pool(ShuPart::CapitalService), |m| m.savings);
    let interest = split(by_interest, |m| m.interest_paid);
    let transactions = split(patronage - by_interest, |m| m.transactions);
    let members = sorted
        .iter()
        .enumerate()
        .map(|(i, m)| MemberShare {
            member: m.member.clone(),
            capital: capital[i],
            patronage: interest[i] + transactions[i],
            total: capital[i] + interest[i] + transactions[i],
        })
        .collect();
    Ok(Distribution {
        year: plan.year,
        result,
        parts,
        members,
        unclaimed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A common split in co-op articles.
    fn plan() -> ShuPlan {
        use ShuPart::*;
        ShuPlan::new(
            2026,
            vec![
                (Reserve, 2_500),
                (CapitalService, 2_000),
                (PatronageService, 2_500),
                (Board, 1_000),
                (Staff, 500),
                (Education, 500),
                (Social, 500),
                (WorkingArea, 500),
            ],
            10_000,
        )
        .unwrap()
    }

    fn member(id: &str, savings: i64, interest_paid: i64, transactions: i64) -> MemberBasis {
        MemberBasis {
            member: id.into(),
            savings,
            interest_paid,
            transactions,
        }
    }

    #[test]
    fn plan_must_sum_to_exactly_one_hundred_percent() {
        let e = ShuPlan::new(
            2026,
            vec![(ShuPart::Reserve, 2_500), (ShuPart::Social, 7_450)],
            0,
        )
        .unwrap_err();
        assert!(e[0].message.contains("sekarang 99,5 %"), "{e:?}");
        let e = ShuPlan::new(
            2026,
            vec![(ShuPart::Reserve, 5_000), (ShuPart::Reserve, 5_000)],
            10_001,
        )
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["bagian", "jasa_anggota_bunga"]);
        assert_eq!(percent(1_250), "12,5 %");
        assert_eq!(percent(1_255), "12,55 %");
        assert_eq!(percent(10_000), "100 %");
    }

    #[test]
    fn a_worked_example_adds_up_to_the_rupiah() {
        let members = [
            member("A-003", 1_000_000, 0, 0),
            member("A-001", 1_000_000, 150_000, 0),
            member("A-002", 1_000_000, 50_000, 0),
        ];
        let d = distribute(10_000_001, &plan(), &members).unwrap();
        assert_eq!(d.parts.iter().map(|(_, a)| a).sum::<i64>(), 10_000_001);
        // 25 % of 10.000.001 = 2.500.000,25 → reserve, the first of the 25 % parts, gets the
        // rupiah left over by the floors (2.500.000,25 ×2, 2.000.000,2, 1.000.000,1, …).
        assert_eq!(d.parts[0], (ShuPart::Reserve, 2_500_001));
        assert_eq!(d.parts[1], (ShuPart::CapitalService, 2_000_000));
        assert_eq!(d.parts[2], (ShuPart::PatronageService, 2_500_000));
        let ids: Vec<&str> = d.members.iter().map(|m| m.member.as_str()).collect();
        assert_eq!(ids, vec!["A-001", "A-002", "A-003"]);
        // Jasa modal 2.000.000 over three equal savers: 666.667 to the first by id.
        let capital: Vec<i64> = d.members.iter().map(|m| m.capital).collect();
        assert_eq!(capital, vec![666_667, 666_667, 666_666]);
        // Jasa anggota 2.500.000 by interest 150.000 : 50.000 : 0.
        let patronage: Vec<i64> = d.members.iter().map(|m| m.patronage).collect();
        assert_eq!(patronage, vec![1_875_000, 625_000, 0]);
        assert_eq!(d.unclaimed, 0);
    }

    #[test]
    fn a_pool_nobody_can_claim_goes_to_the_reserve_and_a_loss_is_not_shared() {
        let d = distribute(1_000_000, &plan(), &[member("A-1", 500_000, 0, 0)]).unwrap();
        assert_eq!(d.unclaimed, 250_000);
        assert_eq!(d.members[0].capital, 200_000);
        assert!(
            distribute(-1, &plan(), &[])
                .unwrap_err()
                .message
                .contains("rugi")
        );
        assert!(distribute(1, &plan(), &[member("A-1", -1, 0, 0)]).is_err());
    }

    fn any_plan() -> impl Strategy<Value = ShuPlan> {
        (
            prop::collection::vec(0u32..100, ShuPart::ALL.len()),
            0u32..=10_000,
        )
            .prop_filter_map("some weight", |(w, interest_bp)| {
                let w: Vec<i64> = w.into_iter().map(i64::from).collect();
                let bps = largest_remainder(10_000, &w)?;
                let shares = ShuPart::ALL
                    .iter()
                    .copied()
                    .zip(bps.into_iter().map(|b| b as u32))
                    .collect();
                ShuPlan::new(2026, shares, interest_bp).ok()
            })
    }

    proptest! {
        #[test]
        fn every_rupiah_of_the_result_lands_somewhere_and_nobody_gets_a_negative_share(
            result in prop_oneof![0i64..1_000, 0i64..10_000_000_000_000],
            plan in any_plan(),
            raw in prop::collection::vec(
                (prop_oneof![Just(0i64), 0i64..1_000_000_000], prop_oneof![Just(0i64), 0i64..100_000_000], prop_oneof![Just(0i64), 0i64..100_000_000]),
                0..30,
            ),
        ) {
            let members: Vec<MemberBasis> = raw.iter().enumerate().rev()
                .map(|(i, &(s, r, t))| member(&format!("M{i:03}"), s, r, t)).collect();
            let d = distribute(result, &plan, &members).unwrap();
            prop_assert_eq!(d.parts.iter().map(|(_, a)| a).sum::<i64>(), result);
            let pool = |part| d.parts.iter().find(|(p, _)| *p == part).map_or(0, |&(_, a)| a);
            let members_pool = pool(ShuPart::CapitalService) + pool(ShuPart::PatronageService);
            let paid: i64 = d.members.iter().map(|m| m.total).sum();
            prop_assert_eq!(paid + d.unclaimed, members_pool);
            let capital: i64 = d.members.iter().map(|m| m.capital).sum();
            prop_assert!(capital == pool(ShuPart::CapitalService) || capital == 0);
            for (share, basis) in d.members.iter().zip(members.iter().rev()) {
                prop_assert_eq!(&share.member, &basis.member);
                prop_assert!(share.capital >= 0 && share.patronage >= 0);
                prop_assert_eq!(share.total, share.capital + share.patronage);
                if basis.savings == 0 { prop_assert_eq!(share.capital, 0); }
                if basis.interest_paid == 0 && basis.transactions == 0 { prop_assert_eq!(share.patronage, 0); }
            }
            // The order members are listed in does not change anyone's share.
            let mut shuffled = members.clone();
            shuffled.reverse();
            prop_assert_eq!(distribute(result, &plan, &shuffled).unwrap(), d);
        }
    }
}
