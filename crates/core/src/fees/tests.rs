use super::*;
use proptest::prelude::*;
use std::collections::HashSet;

fn today() -> NaiveDate {
    day(2026, 1, 15)
}

fn ask(destination: &str, occupation: &str, fee_kind: FeeKind) -> FeeQuestion {
    FeeQuestion {
        destination: destination.into(),
        occupation: occupation.into(),
        fee_kind,
        on: today(),
        amount_idr: None,
        amount_foreign: None,
        first_month_wage: None,
        contract_year: None,
    }
}

fn with(mut q: FeeQuestion, idr: Option<i64>, foreign: Option<i64>) -> FeeQuestion {
    q.amount_idr = idr;
    q.amount_foreign = foreign;
    q
}

fn fields(errors: &[Invalid]) -> Vec<&'static str> {
    errors.iter().map(|e| e.field).collect()
}

fn rule_code<'r>(outcome: &Outcome<'r>) -> Option<&'r str> {
    outcome.rule.map(|r| r.code.as_str())
}

#[test]
fn fee_kinds_round_trip_and_have_labels() {
    let mut labels = HashSet::new();
    for &kind in FEE_KINDS {
        assert_eq!(kind.as_str().parse::<FeeKind>().unwrap(), kind);
        assert_eq!(format!(" {kind} ").parse::<FeeKind>().unwrap(), kind);
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, format!("\"{}\"", kind.as_str()));
        assert_eq!(serde_json::from_str::<FeeKind>(&json).unwrap(), kind);
        assert!(labels.insert(kind.label_id()) && labels.insert(kind.label_en()));
    }
    assert_eq!(
        FEE_KINDS.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        ["penempatan", "komisi_agensi", "jasa_bulanan"]
    );
    let e = "placement".parse::<FeeKind>().unwrap_err();
    assert_eq!(e.field, "jenis_biaya");
    assert!(e.message.contains("«placement»"), "{}", e.message);
    assert!(
        e.message
            .contains("penempatan, komisi_agensi, jasa_bulanan")
    );
}

#[test]
fn every_destination_has_a_currency() {
    for country in catalog::COUNTRIES {
        let c =
            currency_of(country.iso2).unwrap_or_else(|| panic!("{} has no currency", country.iso2));
        assert!(
            c.code.len() == 3 && c.code.bytes().all(|b| b.is_ascii_uppercase()),
            "{}",
            c.code
        );
        assert!(!c.symbol.is_empty());
    }
    assert_eq!(CURRENCIES.len(), catalog::COUNTRIES.len());
    for (iso2, code, symbol) in [
        ("TW", "TWD", "NT$"),
        ("HK", "HKD", "HK$"),
        ("MY", "MYR", "RM"),
        ("SG", "SGD", "S$"),
        ("SA", "SAR", "SAR"),
        ("KR", "KRW", "₩"),
        ("JP", "JPY", "¥"),
        ("DE", "EUR", "€"),
        ("MO", "MOP", "MOP$"),
    ] {
        assert_eq!(currency_of(iso2), Some(Currency { code, symbol }));
    }
    assert_eq!(currency_of(" tw ").unwrap().code, "TWD");
    assert_eq!(currency_of("ID"), None, "Indonesia is not a destination");
    assert_eq!(currency_of(""), None);
}

#[test]
fn amounts_are_printed_the_indonesian_way() {
    for (n, printed) in [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (1_000, "1.000"),
        (20_000, "20.000"),
        (9_622_000, "9.622.000"),
        (MAX_MONEY, "10.000.000.000.000"),
        (-1_234, "-1.234"),
    ] {
        assert_eq!(format_amount(n), printed);
    }
    assert_eq!(RUPIAH.format(9_622_000), "Rp9.622.000");
    assert_eq!(currency_of("TW").unwrap().format(20_000), "NT$20.000");
    assert_eq!(currency_of("SA").unwrap().format(1_500), "SAR 1.500");
    assert_eq!(currency_of("HK").unwrap().format(510), "HK$510");
}

#[test]
fn limit_kinds_match_the_form_list() {
    let limits = [
        Limit::Zero,
        Limit::Ceiling {
            idr: Some(1),
            foreign: None,
        },
        Limit::PercentOfFirstMonthWage {
            basis_points: 1,
            currency: "HKD".into(),
        },
        Limit::MonthlyByContractYear {
            currency: "TWD".into(),
            caps: vec![1],
        },
    ];
    assert_eq!(
        limits.iter().map(Limit::kind).collect::<Vec<_>>(),
        LIMIT_KINDS.iter().map(|c| c.code).collect::<Vec<_>>()
    );
    assert_eq!(
        limits.iter().map(Limit::currency).collect::<Vec<_>>(),
        [None, None, Some("HKD"), Some("TWD")]
    );
    for limit in limits {
        let json = serde_json::to_value(&limit).unwrap();
        assert_eq!(json["kind"], limit.kind());
        assert_eq!(serde_json::from_value::<Limit>(json).unwrap(), limit);
    }
}

/// One boundary of one seeded rule.
struct Case {
    question: FeeQuestion,
    rule: Option<&'static str>,
    verdict: Verdict,
    limit_idr: Option<i64>,
    limit_foreign: Option<i64>,
}

fn case(
    question: FeeQuestion,
    rule: Option<&'static str>,
    verdict: Verdict,
    limit_idr: Option<i64>,
    limit_foreign: Option<i64>,
) -> Case {
    Case {
        question,
        rule,
        verdict,
        limit_idr,
        limit_foreign,
    }
}

fn on(mut q: FeeQuestion, date: NaiveDate) -> FeeQuestion {
    q.on = date;
    q
}

fn wage(mut q: FeeQuestion, wage: i64) -> FeeQuestion {
    q.first_month_wage = Some(wage);
    q
}

fn year(mut q: FeeQuestion, year: u32) -> FeeQuestion {
    q.contract_year = Some(year);
    q
}

fn above(excess_idr: i64, excess_foreign: i64) -> Verdict {
    Verdict::Above {
        excess_idr,
        excess_foreign,
    }
}

fn boundary_cases() -> Vec<Case> {
    use FeeKind::*;
    use Verdict::*;
    let zero = Some("perban-9-2020-zero-cost");
    let zero_until_2022 = Some("perban-9-2020-zero-cost-until-2022-07");
    let kepka = Some("kepka-bp2mi-50-2023-taiwan-informal");
    let monthly = Some("taiwan-broker-service-fee");
    let no_brokerage = Some("taiwan-no-brokerage-fee");
    let hk = Some("hong-kong-agency-commission");
    let my_prt = || ask("MY", "pengurus_rumah_tangga", Placement);
    let tw_prt = || ask("TW", "pengurus_rumah_tangga", Placement);
    let tw_monthly = |y| year(ask("TW", "operator_pabrik", MonthlyServiceFee), y);
    let hk_agency = |w| wage(ask("HK", "pengurus_rumah_tangga", AgencyFee), w);
    let tw_agency = || ask("TW", "operator_pabrik", AgencyFee);
    let zero_limits = (Some(0), Some(0));
    let mut cases = vec![
        // Perban 9/2020, every destination but Taiwan since 7 July 2022.
        case(
            with(my_prt(), Some(0), None),
            zero,
            Within,
            Some(0),
            Some(0),
        ),
        case(
            with(my_prt(), Some(1), None),
            zero,
            MustBeZero,
            Some(0),
            Some(0),
        ),
        case(
            with(my_prt(), None, Some(1)),
            zero,
            MustBeZero,
            Some(0),
            Some(0),
        ),
        case(
            with(my_prt(), Some(0), Some(0)),
            zero,
            Within,
            Some(0),
            Some(0),
        ),
        case(
            with(ask("KR", "awak_kapal_perikanan", Placement), Some(1), None),
            zero,
            MustBeZero,
            Some(0),
            Some(0),
        ),
        case(
            with(on(my_prt(), day(2022, 7, 7)), Some(0), None),
            zero,
            Within,
            Some(0),
            Some(0),
        ),
        // Perban 9/2020 before Taiwan's exemption, Taiwan included.
        case(
            with(on(tw_prt(), day(2021, 7, 16)), Some(0), None),
            zero_until_2022,
            Within,
            Some(0),
            Some(0),
        ),
        case(
            with(on(tw_prt(), day(2021, 7, 16)), Some(1), None),
            zero_until_2022,
            MustBeZero,
            Some(0),
            Some(0),
        ),
        case(
            with(on(my_prt(), day(2020, 6, 15)), Some(1), None),
            zero_until_2022,
            MustBeZero,
            Some(0),
            Some(0),
        ),
        case(
            with(on(my_prt(), day(2022, 7, 6)), Some(0), None),
            zero_until_2022,
            Within,
            Some(0),
            Some(0),
        ),
        // Kepka BP2MI 50/2023: Rp9.622.000 + NT$20.000, each part on its own.
        case(
            with(tw_prt(), Some(9_622_000), Some(20_000)),
            kepka,
            Within,
            Some(9_622_000),
            Some(20_000),
        ),
        case(
            with(tw_prt(), Some(9_622_001), Some(20_000)),
            kepka,
            above(1, 0),
            Some(9_622_000),
            Some(20_000),
        ),
        case(
            with(tw_prt(), Some(9_622_000), Some(20_001)),
            kepka,
            above(0, 1),
            Some(9_622_000),
            Some(20_000),
        ),
        case(
            with(tw_prt(), Some(9_622_001), Some(20_001)),
            kepka,
            above(1, 1),
            Some(9_622_000),
            Some(20_000),
        ),
        case(
            with(tw_prt(), Some(0), Some(45_000)),
            kepka,
            above(0, 25_000),
            Some(9_622_000),
            Some(20_000),
        ),
        case(
            with(tw_prt(), Some(9_622_000), None),
            kepka,
            Within,
            Some(9_622_000),
            Some(20_000),
        ),
        // Taiwan broker's monthly service fee by contract year.
        case(
            with(tw_monthly(1), None, Some(1_800)),
            monthly,
            Within,
            None,
            Some(1_800),
        ),
        case(
            with(tw_monthly(1), None, Some(1_801)),
            monthly,
            above(0, 1),
            None,
            Some(1_800),
        ),
        case(
            with(tw_monthly(2), None, Some(1_700)),
            monthly,
            Within,
            None,
            Some(1_700),
        ),
        case(
            with(tw_monthly(2), None, Some(1_701)),
            monthly,
            above(0, 1),
            None,
            Some(1_700),
        ),
        case(
            with(tw_monthly(3), None, Some(1_500)),
            monthly,
            Within,
            None,
            Some(1_500),
        ),
        case(
            with(tw_monthly(3), None, Some(1_501)),
            monthly,
            above(0, 1),
            None,
            Some(1_500),
        ),
        case(
            with(tw_monthly(7), None, Some(1_500)),
            monthly,
            Within,
            None,
            Some(1_500),
        ),
        case(
            with(tw_monthly(7), None, Some(1_501)),
            monthly,
            above(0, 1),
            None,
            Some(1_500),
        ),
        case(
            with(
                year(ask("TW", "pengasuh_lansia", MonthlyServiceFee), 1),
                Some(0),
                Some(1_800),
            ),
            monthly,
            Within,
            None,
            Some(1_800),
        ),
        // Taiwan: no brokerage or transfer fee.
        case(
            with(tw_agency(), None, Some(0)),
            no_brokerage,
            Within,
            Some(0),
            Some(0),
        ),
        case(
            with(tw_agency(), None, Some(1)),
            no_brokerage,
            MustBeZero,
            Some(0),
            Some(0),
        ),
        case(
            with(tw_agency(), Some(1), None),
            no_brokerage,
            MustBeZero,
            Some(0),
            Some(0),
        ),
        // Hong Kong: 10 % of the first month's wage, rounded down.
        case(
            with(hk_agency(5_100), None, Some(510)),
            hk,
            Within,
            None,
            Some(510),
        ),
        case(
            with(hk_agency(5_100), None, Some(511)),
            hk,
            above(0, 1),
            None,
            Some(510),
        ),
        case(
            with(hk_agency(5_105), None, Some(510)),
            hk,
            Within,
            None,
            Some(510),
        ),
        case(
            with(hk_agency(5_105), None, Some(511)),
            hk,
            above(0, 1),
            None,
            Some(510),
        ),
        case(
            with(hk_agency(5_109), None, Some(510)),
            hk,
            Within,
            None,
            Some(510),
        ),
        case(
            with(hk_agency(5_110), None, Some(511)),
            hk,
            Within,
            None,
            Some(511),
        ),
        case(
            with(hk_agency(5_100), Some(0), Some(0)),
            hk,
            Within,
            None,
            Some(510),
        ),
        // No rule: not a statement that it is legal.
        case(
            with(
                ask("TW", "operator_pabrik", Placement),
                Some(50_000_000),
                None,
            ),
            None,
            NoRule,
            None,
            None,
        ),
        case(
            with(ask("TW", "juru_masak", Placement), Some(1), None),
            None,
            NoRule,
            None,
            None,
        ),
        case(
            with(on(tw_prt(), day(2022, 8, 1)), Some(1), None),
            None,
            NoRule,
            None,
            None,
        ),
        case(
            with(on(my_prt(), day(2020, 6, 14)), Some(1), None),
            None,
            NoRule,
            None,
            None,
        ),
        case(
            with(on(hk_agency(5_100), day(2018, 2, 8)), None, Some(510)),
            None,
            NoRule,
            None,
            None,
        ),
        case(
            with(on(tw_monthly(1), day(2017, 4, 9)), None, Some(1_800)),
            None,
            NoRule,
            None,
            None,
        ),
        case(
            with(
                ask("MY", "operator_pabrik", MonthlyServiceFee),
                None,
                Some(1),
            ),
            None,
            NoRule,
            None,
            None,
        ),
    ];
    // The first day of each dated rule.
    cases.push(case(
        with(on(tw_prt(), day(2023, 1, 1)), Some(9_622_000), Some(20_000)),
        kepka,
        Within,
        Some(9_622_000),
        Some(20_000),
    ));
    cases.push(case(
        with(on(hk_agency(5_100), day(2018, 2, 9)), None, Some(510)),
        hk,
        Within,
        None,
        Some(510),
    ));
    cases.push(case(
        with(on(tw_monthly(1), day(2017, 4, 10)), None, Some(1_800)),
        monthly,
        Within,
        None,
        Some(1_800),
    ));
    cases.push(case(
        with(on(tw_agency(), day(2017, 4, 10)), None, Some(1)),
        no_brokerage,
        MustBeZero,
        zero_limits.0,
        zero_limits.1,
    ));
    cases
}

#[test]
fn every_seeded_rule_at_its_boundaries() {
    let rules = seed_rules();
    let cases = boundary_cases();
    for (i, c) in cases.iter().enumerate() {
        let outcome = check(&rules, &c.question)
            .unwrap_or_else(|e| panic!("case {i} {:?}: {e:?}", c.question));
        let what = format!("case {i}: {:?}", c.question);
        assert_eq!(rule_code(&outcome), c.rule, "{what}");
        assert_eq!(outcome.verdict, c.verdict, "{what}");
        assert_eq!(outcome.limit_idr, c.limit_idr, "{what}");
        assert_eq!(outcome.limit_foreign, c.limit_foreign, "{what}");
        assert_eq!(
            outcome.currency,
            currency_of(&c.question.destination),
            "{what}"
        );
        assert_eq!(
            applicable(&rules, &c.question).map(|r| r.code.as_str()),
            c.rule,
            "{what}"
        );
    }
    let covered: HashSet<&str> = cases.iter().filter_map(|c| c.rule).collect();
    for rule in &rules {
        assert!(
            covered.contains(rule.code.as_str()),
            "{} untested",
            rule.code
        );
    }
}

#[test]
fn seeded_rules_are_what_domain_says() {
    let rules = seed_rules();
    let codes: Vec<&str> = rules.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "perban-9-2020-zero-cost-until-2022-07",
            "perban-9-2020-zero-cost",
            "kepka-bp2mi-50-2023-taiwan-informal",
            "taiwan-broker-service-fee",
            "taiwan-no-brokerage-fee",
            "hong-kong-agency-commission",
        ]
    );
    let zero_cost: Vec<&str> = catalog::OCCUPATIONS
        .iter()
        .filter(|o| o.zero_cost)
        .map(|o| o.code)
        .collect();
    for rule in &rules[..2] {
        assert_eq!(rule.occupations, zero_cost);
        assert!(rule.regulation.contains("Pasal 30 ayat (1)"));
        assert!(rule.regulation.contains("Perban BP2MI 9/2020"));
        assert!(rule.note.contains("15 Juli 2021"), "transition in the note");
    }
    assert_eq!(rules[0].effective_from, day(2020, 6, 15));
    assert_eq!(rules[1].excluded_destinations, ["TW"]);
    let kepka = &rules[2];
    assert!(kepka.to_verify, "DOMAIN marks Kepka 50/2023 [verify]");
    assert!(kepka.note.contains("anggapan"), "the assumed date is said");
    assert!(
        rules.iter().filter(|r| r.to_verify).count() == 1,
        "only Kepka 50/2023 is marked [verify]"
    );
    assert!(rules[3].note.contains("brokerage fee") && rules[3].note.contains("transfer fee"));
    assert!(rules[5].note.contains("HK$350.000") && rules[5].note.contains("3 tahun"));
    for rule in &rules {
        assert!(
            !rule.source.is_empty() && !rule.regulation.is_empty(),
            "{}",
            rule.code
        );
        assert!(
            !rule.note.is_empty() && !rule.title.is_empty(),
            "{}",
            rule.code
        );
    }
}

#[test]
fn every_seeded_rule_survives_the_edit_form() {
    for rule in seed_rules() {
        let raw = RawFeeRule::from_rule(&rule);
        assert_eq!(raw.check(), Ok(rule.clone()), "{}", rule.code);
        let json = serde_json::to_string(&rule).unwrap();
        assert_eq!(serde_json::from_str::<FeeRule>(&json).unwrap(), rule);
    }
    let monthly = RawFeeRule::from_rule(&seed_rules()[3]);
    assert_eq!(monthly.year_caps, "1.800, 1.700, 1.500");
    assert_eq!(monthly.currency, "TWD");
    let kepka = RawFeeRule::from_rule(&seed_rules()[2]);
    assert_eq!(
        (kepka.max_idr.as_str(), kepka.max_foreign.as_str()),
        ("9.622.000", "20.000")
    );
    assert_eq!(kepka.to_verify, "ya");
    assert_eq!(kepka.effective_from, "2023-01-01");
}

fn rule(code: &str, destination: Option<&str>, occupations: &[&str], from: NaiveDate) -> FeeRule {
    FeeRule {
        code: code.into(),
        title: code.into(),
        destination: destination.map(String::from),
        excluded_destinations: vec![],
        occupations: occupations.iter().map(|o| o.to_string()).collect(),
        fee_kind: FeeKind::Placement,
        limit: Limit::Zero,
        regulation: "Peraturan uji".into(),
        source: "uji".into(),
        effective_from: from,
        effective_until: None,
        to_verify: false,
        note: String::new(),
    }
}

fn pick(rules: &[FeeRule], destination: &str, occupation: &str) -> Option<String> {
    applicable(rules, &ask(destination, occupation, FeeKind::Placement)).map(|r| r.code.clone())
}

#[test]
fn the_most_specific_rule_wins() {
    let old = day(2020, 1, 1);
    let new = day(2024, 1, 1);
    let rules = vec![
        rule("every-place-every-job", None, &[], new),
        rule("every-place-cooks", None, &["juru_masak"], old),
        rule("taiwan-every-job", Some("TW"), &[], old),
        rule("taiwan-cooks", Some("TW"), &["juru_masak"], old),
    ];
    assert_eq!(pick(&rules, "TW", "juru_masak").unwrap(), "taiwan-cooks");
    assert_eq!(pick(&rules, "tw", "juru_masak").unwrap(), "taiwan-cooks");
    // Destination beats occupations.
    assert_eq!(
        pick(&rules, "TW", "sopir_keluarga").unwrap(),
        "taiwan-every-job"
    );
    // Occupations beat a later effective_from.
    assert_eq!(
        pick(&rules, "MY", "juru_masak").unwrap(),
        "every-place-cooks"
    );
    assert_eq!(
        pick(&rules, "MY", "sopir_keluarga").unwrap(),
        "every-place-every-job"
    );
}

#[test]
fn between_equally_specific_rules_the_newer_then_the_first_code_wins() {
    let mut rules = vec![
        rule("b-old", Some("MY"), &[], day(2020, 1, 1)),
        rule("c-new", Some("MY"), &[], day(2024, 1, 1)),
    ];
    assert_eq!(pick(&rules, "MY", "lainnya").unwrap(), "c-new");
    rules.reverse();
    assert_eq!(pick(&rules, "MY", "lainnya").unwrap(), "c-new");
    rules.push(rule("a-new", Some("MY"), &[], day(2024, 1, 1)));
    assert_eq!(pick(&rules, "MY", "lainnya").unwrap(), "a-new");
    rules.reverse();
    assert_eq!(pick(&rules, "MY", "lainnya").unwrap(), "a-new");
    // The newer rule does not apply before its first day.
    let mut q = ask("MY", "lainnya", FeeKind::Placement);
    q.on = day(2023, 12, 31);
    assert_eq!(applicable(&rules, &q).unwrap().code, "b-old");
}

#[test]
fn rules_apply_only_on_their_days() {
    let mut ended = rule("ended-yesterday", Some("MY"), &[], day(2020, 1, 1));
    ended.effective_until = Some(today().pred_opt().unwrap());
    let mut ends_today = rule("ends-today", None, &[], day(2020, 1, 1));
    ends_today.effective_until = Some(today());
    let starts_tomorrow = rule(
        "starts-tomorrow",
        Some("MY"),
        &["lainnya"],
        today().succ_opt().unwrap(),
    );
    let rules = vec![ended, ends_today, starts_tomorrow];
    assert_eq!(pick(&rules, "MY", "lainnya").unwrap(), "ends-today");
    let mut q = ask("MY", "lainnya", FeeKind::Placement);
    q.on = today().succ_opt().unwrap();
    assert_eq!(applicable(&rules, &q).unwrap().code, "starts-tomorrow");
    q.on = today().pred_opt().unwrap();
    assert_eq!(applicable(&rules, &q).unwrap().code, "ended-yesterday");
    q.on = day(2019, 12, 31);
    assert_eq!(applicable(&rules, &q), None);
    assert!(rules[1].in_force(today()) && !rules[1].in_force(today().succ_opt().unwrap()));
}

#[test]
fn rules_apply_only_to_their_kind_and_not_to_excluded_destinations() {
    let mut everywhere_but_taiwan = rule("not-taiwan", None, &[], day(2020, 1, 1));
    everywhere_but_taiwan.excluded_destinations = vec!["TW".into()];
    let rules = vec![everywhere_but_taiwan];
    assert_eq!(pick(&rules, "MY", "lainnya").unwrap(), "not-taiwan");
    assert_eq!(pick(&rules, "TW", "lainnya"), None);
    assert_eq!(pick(&rules, "tw", "lainnya"), None);
    assert_eq!(
        applicable(&rules, &ask("MY", "lainnya", FeeKind::AgencyFee)),
        None
    );
}

#[test]
fn a_rule_in_another_currency_than_the_destinations_is_skipped() {
    let mut twd_everywhere = rule("twd-everywhere", None, &[], day(2020, 1, 1));
    twd_everywhere.limit = Limit::Ceiling {
        idr: Some(1_000),
        foreign: Some(("TWD".into(), 100)),
    };
    let rules = vec![twd_everywhere];
    assert_eq!(pick(&rules, "TW", "lainnya").unwrap(), "twd-everywhere");
    assert_eq!(pick(&rules, "MY", "lainnya"), None);
}

#[test]
fn a_missing_part_of_a_ceiling_must_be_zero() {
    let mut rupiah_only = rule("rupiah-only", Some("MY"), &[], day(2020, 1, 1));
    rupiah_only.limit = Limit::Ceiling {
        idr: Some(5_000_000),
        foreign: None,
    };
    let rules = vec![rupiah_only];
    let q = ask("MY", "lainnya", FeeKind::Placement);
    let outcome = check(&rules, &with(q.clone(), Some(5_000_000), Some(300))).unwrap();
    assert_eq!(outcome.verdict, above(0, 300));
    assert_eq!(
        (outcome.limit_idr, outcome.limit_foreign),
        (Some(5_000_000), Some(0))
    );
    let outcome = check(&rules, &with(q.clone(), Some(5_000_000), Some(0))).unwrap();
    assert_eq!(outcome.verdict, Verdict::Within);
    let outcome = check(&rules, &with(q, Some(5_000_001), None)).unwrap();
    assert_eq!(outcome.verdict, above(1, 0));
}

#[test]
fn a_monthly_rule_with_no_caps_allows_nothing() {
    let mut empty = rule("empty-caps", Some("TW"), &[], day(2020, 1, 1));
    empty.fee_kind = FeeKind::MonthlyServiceFee;
    empty.limit = Limit::MonthlyByContractYear {
        currency: "TWD".into(),
        caps: vec![],
    };
    let rules = vec![empty];
    let q = year(ask("TW", "lainnya", FeeKind::MonthlyServiceFee), 1);
    let outcome = check(&rules, &with(q, None, Some(1))).unwrap();
    assert_eq!(outcome.verdict, above(0, 1));
}

#[test]
fn every_problem_of_a_question_is_reported_at_once() {
    let rules = seed_rules();
    let q = with(ask("XX", "pilot", FeeKind::Placement), Some(-1), Some(-5));
    let errors = check(&rules, &q).unwrap_err();
    assert_eq!(
        fields(&errors),
        ["negara", "jabatan", "biaya_rupiah", "biaya_asing"]
    );
    assert!(errors[0].message.contains("«XX»"));
    assert!(errors[1].message.contains("«pilot»"));
    assert!(errors[2].message.contains("negatif"));

    let errors = check(&rules, &ask("", "", FeeKind::Placement)).unwrap_err();
    assert_eq!(fields(&errors), ["negara", "jabatan", "biaya_rupiah"]);

    // Nothing asked: the message names the destination's currency.
    let errors = check(&rules, &ask("TW", "operator_pabrik", FeeKind::Placement)).unwrap_err();
    assert_eq!(fields(&errors), ["biaya_rupiah"]);
    assert!(errors[0].message.contains("NT$"), "{}", errors[0].message);

    let too_big = with(
        wage(ask("HK", "lainnya", FeeKind::AgencyFee), MAX_MONEY + 1),
        Some(MAX_MONEY + 1),
        Some(MAX_MONEY),
    );
    let errors = check(&rules, &too_big).unwrap_err();
    assert_eq!(
        fields(&errors),
        ["biaya_rupiah", "gaji_bulan_pertama"],
        "one message per field: {errors:?}"
    );
}

#[test]
fn a_percentage_rule_needs_the_wage_and_the_foreign_amount() {
    let rules = seed_rules();
    let hk = ask("HK", "pengurus_rumah_tangga", FeeKind::AgencyFee);
    let errors = check(&rules, &with(hk.clone(), Some(1_000_000), None)).unwrap_err();
    assert_eq!(fields(&errors), ["biaya_rupiah", "gaji_bulan_pertama"]);
    assert!(errors[0].message.contains("HK$"), "{}", errors[0].message);
    assert!(errors[1].message.contains("HK$"), "{}", errors[1].message);
    let errors = check(&rules, &with(wage(hk.clone(), 0), None, Some(1))).unwrap_err();
    assert_eq!(fields(&errors), ["gaji_bulan_pertama"]);
    let errors = check(&rules, &with(wage(hk, -5_100), None, Some(1))).unwrap_err();
    assert_eq!(fields(&errors), ["gaji_bulan_pertama"]);
    assert!(errors[0].message.contains("negatif"));
}

#[test]
fn a_monthly_rule_needs_the_contract_year() {
    let rules = seed_rules();
    let tw = with(
        ask("TW", "operator_pabrik", FeeKind::MonthlyServiceFee),
        None,
        Some(1_800),
    );
    for contract_year in [None, Some(0)] {
        let mut q = tw.clone();
        q.contract_year = contract_year;
        let errors = check(&rules, &q).unwrap_err();
        assert_eq!(fields(&errors), ["tahun_kontrak"], "{contract_year:?}");
    }
    let errors = check(
        &rules,
        &with(year(tw.clone(), 1), Some(50_000), Some(1_800)),
    )
    .unwrap_err();
    assert_eq!(fields(&errors), ["biaya_rupiah"]);
    // A zero rupiah amount is no rupiah amount.
    assert!(check(&rules, &with(year(tw, 1), Some(0), Some(1_800))).is_ok());
}

#[test]
fn wage_and_year_are_not_needed_where_the_rule_does_not_use_them() {
    let rules = seed_rules();
    let mut q = with(ask("MY", "juru_masak", FeeKind::Placement), Some(0), None);
    q.contract_year = Some(0);
    assert_eq!(check(&rules, &q).unwrap().verdict, Verdict::Within);
    let q = with(
        ask("TW", "operator_pabrik", FeeKind::Placement),
        Some(5),
        None,
    );
    assert_eq!(check(&rules, &q).unwrap().verdict, Verdict::NoRule);
}

#[test]
fn verdicts_read_in_indonesian() {
    let rules = seed_rules();
    let message = |q: FeeQuestion| check(&rules, &q).unwrap().message_id();
    let tw_prt = ask("TW", "pengurus_rumah_tangga", FeeKind::Placement);
    let within = message(with(tw_prt.clone(), Some(9_622_000), Some(20_000)));
    assert!(
        within.contains("masih dalam batas resmi (Rp9.622.000 + NT$20.000)"),
        "{within}"
    );
    assert!(
        within.contains("belum diverifikasi"),
        "Kepka 50/2023 is [verify]"
    );
    let above = message(with(tw_prt, Some(15_000_000), Some(20_000)));
    assert!(
        above.contains("MELEBIHI") && above.contains("sebesar Rp5.378.000."),
        "{above}"
    );
    let monthly = message(with(
        year(ask("TW", "operator_pabrik", FeeKind::MonthlyServiceFee), 2),
        None,
        Some(1_800),
    ));
    assert!(
        monthly.contains("(NT$1.700 per bulan) sebesar NT$100"),
        "{monthly}"
    );
    assert!(!monthly.contains("belum diverifikasi"));
    let my_prt = ask("MY", "pengurus_rumah_tangga", FeeKind::Placement);
    let zero = message(with(my_prt.clone(), Some(0), None));
    assert!(zero.starts_with("Tidak ada yang diminta"), "{zero}");
    let must = message(with(my_prt, Some(1), None));
    assert!(
        must.contains("tidak boleh dibebani biaya ini sama sekali"),
        "{must}"
    );
    let none = message(with(
        ask("TW", "operator_pabrik", FeeKind::Placement),
        Some(1),
        None,
    ));
    assert!(none.contains("BUKAN berarti biaya itu sah") && none.contains("0800-1000"));
}

#[test]
fn verdicts_serialise_with_a_tag() {
    assert_eq!(
        serde_json::to_value(above(1, 0)).unwrap(),
        serde_json::json!({"verdict": "above", "excess_idr": 1, "excess_foreign": 0})
    );
    assert_eq!(
        serde_json::to_value(Verdict::NoRule).unwrap(),
        serde_json::json!({"verdict": "no_rule"})
    );
    let rules = seed_rules();
    let q = with(
        wage(
            ask("HK", "pengurus_rumah_tangga", FeeKind::AgencyFee),
            5_100,
        ),
        None,
        Some(600),
    );
    let json = serde_json::to_value(check(&rules, &q).unwrap()).unwrap();
    assert_eq!(json["rule"]["code"], "hong-kong-agency-commission");
    assert_eq!(json["verdict"]["excess_foreign"], 90);
    assert_eq!(json["limit_foreign"], 510);
    assert_eq!(json["currency"]["symbol"], "HK$");
}

#[test]
fn money_as_people_type_it() {
    for (typed, value) in [
        ("", None),
        ("   ", None),
        ("Rp", None),
        ("0", Some(0)),
        ("Rp 9.622.000", Some(9_622_000)),
        ("Rp9.622.000", Some(9_622_000)),
        ("Rp. 9.622.000", Some(9_622_000)),
        ("rp 9.622.000,-", Some(9_622_000)),
        ("IDR 9,622,000", Some(9_622_000)),
        ("9622000", Some(9_622_000)),
        ("9.622.000,00", Some(9_622_000)),
        ("9,622,000.00", Some(9_622_000)),
        ("NT$20,000", Some(20_000)),
        ("NT$ 20.000", Some(20_000)),
        ("20.000 NT$", Some(20_000)),
        ("HK$510", Some(510)),
        ("TWD 1800", Some(1_800)),
        ("SAR 1.500", Some(1_500)),
        ("RM1,500", Some(1_500)),
        ("₩2.000.000", Some(2_000_000)),
        ("20.000", Some(20_000)),
        ("1,000", Some(1_000)),
        ("  1 500 ", Some(1_500)),
        ("1\u{a0}500", Some(1_500)),
        ("12 345 678", Some(12_345_678)),
        ("1.00", Some(1)),
        ("007", Some(7)),
        ("10.000.000.000.000", Some(MAX_MONEY)),
    ] {
        assert_eq!(parse_money(typed, "biaya_rupiah"), Ok(value), "«{typed}»");
    }
}

#[test]
fn money_that_is_refused() {
    for (typed, says) in [
        ("12,5", "tidak dikenali"),
        ("1.5", "tidak dikenali"),
        ("1,50", "tidak dikenali"),
        ("9.622.000,50", "tidak dikenali"),
        ("9.62.000", "tidak dikenali"),
        ("9622.000", "tidak dikenali"),
        ("1.234,567", "tidak dikenali"),
        ("1 500.000", "tidak dikenali"),
        ("abc", "tidak dikenali"),
        ("12a", "tidak dikenali"),
        ("1e6", "tidak dikenali"),
        ("Rp 5 juta", "tidak dikenali"),
        (",00", "tidak dikenali"),
        ("1..000", "tidak dikenali"),
        ("-5000", "negatif"),
        ("Rp -5.000", "negatif"),
        ("-Rp5.000", "negatif"),
        ("\u{2212}5", "negatif"),
        ("10.000.000.000.001", "terlalu besar"),
        ("99999999999999999999999", "terlalu besar"),
    ] {
        let e = parse_money(typed, "biaya_asing").unwrap_err();
        assert_eq!(e.field, "biaya_asing");
        assert!(e.message.contains(says), "«{typed}»: {}", e.message);
    }
}

proptest! {
    #[test]
    fn printed_amounts_read_back(n in 0..=MAX_MONEY) {
        let printed = format_amount(n);
        prop_assert_eq!(parse_money(&printed, "x"), Ok(Some(n)));
        prop_assert_eq!(parse_money(&RUPIAH.format(n), "x"), Ok(Some(n)));
        prop_assert_eq!(parse_money(&format!("Rp {printed},00"), "x"), Ok(Some(n)));
        prop_assert_eq!(parse_money(&n.to_string(), "x"), Ok(Some(n)));
        prop_assert_eq!(
            parse_money(&currency_of("TW").unwrap().format(n).replace('.', ","), "x"),
            Ok(Some(n))
        );
    }

    #[test]
    fn parse_money_never_panics(s in "\\PC{0,30}") {
        if let Ok(Some(n)) = parse_money(&s, "x") {
            prop_assert!((0..=MAX_MONEY).contains(&n));
        }
    }
}

fn raw_ceiling() -> RawFeeRule {
    RawFeeRule {
        code: "Contoh-Taiwan".into(),
        title: "  Batas   contoh ".into(),
        destination: "tw".into(),
        occupations: "juru_masak, sopir_keluarga, juru_masak".into(),
        fee_kind: "penempatan".into(),
        limit_kind: "ceiling".into(),
        max_idr: "Rp 5.000.000".into(),
        max_foreign: "10,000".into(),
        currency: "twd".into(),
        regulation: "Peraturan contoh".into(),
        source: "contoh.go.id".into(),
        effective_from: "01-02-2024".into(),
        to_verify: "Ya".into(),
        ..RawFeeRule::default()
    }
}

#[test]
fn a_typed_rule_is_normalised() {
    let rule = raw_ceiling().check().unwrap();
    assert_eq!(rule.code, "contoh-taiwan");
    assert_eq!(rule.title, "Batas contoh");
    assert_eq!(rule.destination.as_deref(), Some("TW"));
    assert_eq!(rule.occupations, ["juru_masak", "sopir_keluarga"]);
    assert_eq!(
        rule.limit,
        Limit::Ceiling {
            idr: Some(5_000_000),
            foreign: Some(("TWD".into(), 10_000)),
        }
    );
    assert_eq!(rule.effective_from, day(2024, 2, 1));
    assert_eq!(rule.effective_until, None);
    assert!(rule.to_verify);
    assert_eq!(RawFeeRule::from_rule(&rule).check(), Ok(rule));

    let everywhere = RawFeeRule {
        destination: String::new(),
        excluded_destinations: "tw, HK, tw".into(),
        max_foreign: String::new(),
        currency: String::new(),
        to_verify: "tidak".into(),
        ..raw_ceiling()
    }
    .check()
    .unwrap();
    assert_eq!(everywhere.destination, None);
    assert_eq!(everywhere.excluded_destinations, ["TW", "HK"]);
    assert_eq!(
        everywhere.limit,
        Limit::Ceiling {
            idr: Some(5_000_000),
            foreign: None
        }
    );
    assert!(!everywhere.to_verify);
    assert_eq!(RawFeeRule::from_rule(&everywhere).check(), Ok(everywhere));
}

#[test]
fn every_problem_of_a_typed_rule_is_reported_at_once() {
    let raw = RawFeeRule {
        code: "a b".into(),
        title: String::new(),
        destination: "XX".into(),
        occupations: "juru_masak, pilot".into(),
        fee_kind: "biaya".into(),
        limit_kind: "zero".into(),
        max_idr: "100".into(),
        regulation: " ".into(),
        source: String::new(),
        effective_from: "31-02-2024".into(),
        effective_until: "kemarin".into(),
        to_verify: "mungkin".into(),
        note: "x".repeat(1001),
        ..RawFeeRule::default()
    };
    let errors = raw.check().unwrap_err();
    assert_eq!(
        fields(&errors),
        [
            "code",
            "title",
            "regulation",
            "source",
            "note",
            "destination",
            "occupations",
            "fee_kind",
            "max_idr",
            "effective_from",
            "effective_until",
            "to_verify",
        ]
    );
    assert!(errors[6].message.contains("«pilot»"));
    assert!(errors[7].message.contains("«biaya»"));

    let errors = RawFeeRule::default().check().unwrap_err();
    assert_eq!(
        fields(&errors),
        [
            "code",
            "title",
            "regulation",
            "source",
            "fee_kind",
            "limit_kind",
            "effective_from"
        ]
    );
}

#[test]
fn codes_of_typed_rules() {
    for (code, ok) in [
        ("abc", true),
        ("perban-9-2020-zero-cost", true),
        (&"a".repeat(60), true),
        ("ab", false),
        (&"a".repeat(61), false),
        ("-abc", false),
        ("abc-", false),
        ("a_b_c", false),
        ("kode baru", false),
    ] {
        let raw = RawFeeRule {
            code: code.to_owned(),
            ..raw_ceiling()
        };
        assert_eq!(raw.check().is_ok(), ok, "{code}");
    }
}

#[test]
fn dates_of_typed_rules() {
    let until = |from: &str, until: &str| {
        RawFeeRule {
            effective_from: from.into(),
            effective_until: until.into(),
            ..raw_ceiling()
        }
        .check()
    };
    assert_eq!(
        until("2024-01-01", "2024-01-01").unwrap().effective_until,
        Some(day(2024, 1, 1))
    );
    let errors = until("2024-01-02", "2024-01-01").unwrap_err();
    assert_eq!(fields(&errors), ["effective_until"]);
    let errors = until("", "").unwrap_err();
    assert_eq!(fields(&errors), ["effective_from"]);
}

fn limit_errors(raw: RawFeeRule) -> Vec<&'static str> {
    fields(&raw.check().unwrap_err())
}

#[test]
fn the_limit_of_a_typed_rule() {
    let zero = RawFeeRule {
        limit_kind: "zero".into(),
        max_idr: String::new(),
        max_foreign: String::new(),
        currency: String::new(),
        ..raw_ceiling()
    };
    assert_eq!(zero.clone().check().unwrap().limit, Limit::Zero);
    // Fields the kind does not use must be empty.
    assert_eq!(
        limit_errors(RawFeeRule {
            basis_points: "1000".into(),
            year_caps: "1".into(),
            currency: "TWD".into(),
            ..zero.clone()
        }),
        ["basis_points", "year_caps", "currency"]
    );
    assert_eq!(
        limit_errors(RawFeeRule {
            limit_kind: "batas".into(),
            ..zero.clone()
        }),
        ["limit_kind"]
    );

    // Ceiling: at least one part, not all zero, foreign part needs the destination's currency.
    let ceiling = raw_ceiling();
    assert_eq!(
        limit_errors(RawFeeRule {
            max_idr: String::new(),
            max_foreign: String::new(),
            currency: String::new(),
            ..ceiling.clone()
        }),
        ["max_idr"]
    );
    assert_eq!(
        limit_errors(RawFeeRule {
            max_idr: "0".into(),
            max_foreign: "0".into(),
            ..ceiling.clone()
        }),
        ["limit_kind"]
    );
    assert_eq!(
        limit_errors(RawFeeRule {
            max_idr: "lima juta".into(),
            max_foreign: "-1".into(),
            ..ceiling.clone()
        }),
        ["max_idr", "max_foreign"]
    );
    let errors = RawFeeRule {
        currency: "HKD".into(),
        ..ceiling.clone()
    }
    .check()
    .unwrap_err();
    assert_eq!(fields(&errors), ["currency"]);
    assert!(errors[0].message.contains("TWD") && errors[0].message.contains("«HKD»"));
    let errors = RawFeeRule {
        currency: String::new(),
        ..ceiling.clone()
    }
    .check()
    .unwrap_err();
    assert!(
        errors[0].message.contains("isi TWD"),
        "{}",
        errors[0].message
    );
    assert_eq!(
        limit_errors(RawFeeRule {
            destination: String::new(),
            ..ceiling.clone()
        }),
        ["destination"],
        "a foreign limit needs one destination"
    );
    assert_eq!(
        limit_errors(RawFeeRule {
            destination: "XX".into(),
            ..ceiling.clone()
        }),
        ["destination"],
        "an unknown destination is reported once"
    );
    assert_eq!(
        limit_errors(RawFeeRule {
            excluded_destinations: "MY".into(),
            ..ceiling.clone()
        }),
        ["excluded_destinations"]
    );
    assert_eq!(
        limit_errors(RawFeeRule {
            destination: String::new(),
            excluded_destinations: "Narnia".into(),
            max_foreign: String::new(),
            currency: String::new(),
            ..ceiling.clone()
        }),
        ["excluded_destinations"]
    );
    assert_eq!(
        limit_errors(RawFeeRule {
            max_foreign: String::new(),
            ..ceiling
        }),
        ["currency"],
        "a currency without a foreign part"
    );
}

#[test]
fn percentage_and_monthly_limits_of_typed_rules() {
    let percent = RawFeeRule {
        destination: "HK".into(),
        fee_kind: "komisi_agensi".into(),
        limit_kind: "percent".into(),
        max_idr: String::new(),
        max_foreign: String::new(),
        currency: "HKD".into(),
        basis_points: "1000".into(),
        ..raw_ceiling()
    };
    for (typed, ok) in [
        ("1", true),
        ("10000", true),
        ("0", false),
        ("10001", false),
        ("10%", false),
        ("", false),
    ] {
        let raw = RawFeeRule {
            basis_points: typed.into(),
            ..percent.clone()
        };
        assert_eq!(raw.check().is_ok(), ok, "{typed}");
    }
    assert_eq!(
        limit_errors(RawFeeRule {
            currency: String::new(),
            ..percent.clone()
        }),
        ["currency"]
    );
    assert_eq!(
        limit_errors(RawFeeRule {
            max_idr: "1".into(),
            ..percent
        }),
        ["max_idr"]
    );

    let monthly = RawFeeRule {
        fee_kind: "jasa_bulanan".into(),
        limit_kind: "monthly".into(),
        max_idr: String::new(),
        max_foreign: String::new(),
        year_caps: "1800,1700, 1500".into(),
        ..raw_ceiling()
    };
    let caps = |typed: &str| {
        RawFeeRule {
            year_caps: typed.into(),
            ..monthly.clone()
        }
        .check()
        .map(|r| r.limit)
    };
    let caps_of = |v: Vec<i64>| {
        Ok(Limit::MonthlyByContractYear {
            currency: "TWD".into(),
            caps: v,
        })
    };
    assert_eq!(caps("1800,1700, 1500"), caps_of(vec![1_800, 1_700, 1_500]));
    assert_eq!(
        caps("1.800, 1.700, 1.500,"),
        caps_of(vec![1_800, 1_700, 1_500])
    );
    assert_eq!(caps("500, 400, 300"), caps_of(vec![500, 400, 300]));
    assert_eq!(caps("1500"), caps_of(vec![1_500]));
    assert_eq!(
        caps("1500, 1700"),
        caps_of(vec![1_500, 1_700]),
        "increasing is allowed"
    );
    for bad in ["", " , ", "1,800, 1,700", "500,400", "1800, banyak"] {
        let errors = caps(bad).unwrap_err();
        assert_eq!(fields(&errors), ["year_caps"], "«{bad}»");
    }
}

fn form(destination: &str, occupation: &str, kind: &str) -> RawFeeQuestion {
    RawFeeQuestion {
        destination: destination.into(),
        occupation: occupation.into(),
        fee_kind: kind.into(),
        ..RawFeeQuestion::default()
    }
}

#[test]
fn the_biaya_form_is_read_and_judged() {
    let rules = seed_rules();
    let outcome = RawFeeQuestion {
        amount_idr: "Rp 9.622.000".into(),
        amount_foreign: "NT$20,000".into(),
        ..form(" tw ", "pengurus_rumah_tangga", "penempatan")
    }
    .check(&rules, today())
    .unwrap();
    assert_eq!(
        rule_code(&outcome),
        Some("kepka-bp2mi-50-2023-taiwan-informal")
    );
    assert_eq!(outcome.verdict, Verdict::Within);

    // A past date: a fee paid before Taiwan's exemption.
    let outcome = RawFeeQuestion {
        on: "16-07-2021".into(),
        amount_idr: "1.000.000".into(),
        ..form("TW", "pengurus_rumah_tangga", "penempatan")
    }
    .check(&rules, today())
    .unwrap();
    assert_eq!(
        rule_code(&outcome),
        Some("perban-9-2020-zero-cost-until-2022-07")
    );
    assert_eq!(outcome.verdict, Verdict::MustBeZero);

    let outcome = RawFeeQuestion {
        amount_foreign: "1.700".into(),
        contract_year: " 2 ".into(),
        ..form("TW", "operator_pabrik", "jasa_bulanan")
    }
    .check(&rules, today())
    .unwrap();
    assert_eq!(outcome.verdict, Verdict::Within);

    let outcome = RawFeeQuestion {
        amount_foreign: "HK$600".into(),
        first_month_wage: "HK$5.100".into(),
        ..form("HK", "pengasuh_lansia", "komisi_agensi")
    }
    .check(&rules, today())
    .unwrap();
    assert_eq!(outcome.verdict, above(0, 90));
}

#[test]
fn the_biaya_form_reports_each_field_once() {
    let rules = seed_rules();
    // An unreadable rupiah amount is not also "missing".
    let errors = RawFeeQuestion {
        amount_idr: "sembilan juta".into(),
        ..form("TW", "pengurus_rumah_tangga", "penempatan")
    }
    .check(&rules, today())
    .unwrap_err();
    assert_eq!(fields(&errors), ["biaya_rupiah"]);
    assert!(errors[0].message.contains("«sembilan juta»"));

    // With no fee kind, the rest is still checked.
    let errors = RawFeeQuestion {
        amount_idr: "-1".into(),
        ..form("XX", "", "")
    }
    .check(&rules, today())
    .unwrap_err();
    assert_eq!(
        fields(&errors),
        ["biaya_rupiah", "jenis_biaya", "negara", "jabatan"]
    );

    let errors = RawFeeQuestion {
        on: "kemarin".into(),
        contract_year: "kedua".into(),
        amount_foreign: "1.800".into(),
        ..form("TW", "operator_pabrik", "jasa_bulanan")
    }
    .check(&rules, today())
    .unwrap_err();
    assert_eq!(fields(&errors), ["tanggal", "tahun_kontrak"]);

    let errors = RawFeeQuestion {
        first_month_wage: "5,1".into(),
        amount_foreign: "510".into(),
        ..form("HK", "pengurus_rumah_tangga", "komisi")
    }
    .check(&rules, today())
    .unwrap_err();
    assert_eq!(fields(&errors), ["gaji_bulan_pertama", "jenis_biaya"]);

    let errors = RawFeeQuestion {
        amount_foreign: "510".into(),
        ..form("HK", "pengurus_rumah_tangga", "komisi_agensi")
    }
    .check(&rules, today())
    .unwrap_err();
    assert_eq!(fields(&errors), ["gaji_bulan_pertama"]);
}

#[test]
fn the_biaya_form_reads_its_own_field_names() {
    let raw: RawFeeQuestion = serde_json::from_value(serde_json::json!({
        "negara": "TW",
        "jabatan": "operator_pabrik",
        "jenis_biaya": "jasa_bulanan",
        "biaya_asing": "1.800",
        "tahun_kontrak": "1",
    }))
    .unwrap();
    assert_eq!(raw.destination, "TW");
    assert_eq!(raw.contract_year, "1");
    assert_eq!(raw.amount_idr, "");
    assert_eq!(
        raw.check(&seed_rules(), today()).unwrap().verdict,
        Verdict::Within
    );
}
