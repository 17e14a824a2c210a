//! The lottery registry against real published draws, hand-computed draw instants, and the
//! refusals a verifier relies on.

use kleroterion::public_lottery::{
    LotteryError, LotteryFormat, NumberGroup, REGISTRY, RegisteredLottery, Weekday, Zone,
    registered,
};

fn lottery(id: &str) -> &'static RegisteredLottery {
    registered(id).unwrap_or_else(|| panic!("{id} is in the registry"))
}

/// A real published draw: lottery id, date, main numbers, bonus groups, and the page it was
/// read from.
struct RealDraw {
    id: &'static str,
    date: &'static str,
    main: &'static [u32],
    bonus: &'static [&'static [u32]],
}

/// Draws read from published results (the address of each is next to it). Numbers are in the
/// order the page gives them.
const REAL_DRAWS: &[RealDraw] = &[
    // Saturday 23 August 2025, the draw whose Superzahl needed the spare machine:
    // https://www.lottobay.de/nachrichten/Doppel-Panne+bei+Lotto%E2%80%91Ziehung+%E2%80%93+Superzahl+mehrfach+verkantet/193.html
    // (numbers 3, 9, 13, 21, 23, 27, Superzahl 9), date from
    // https://www.all-in.de/unterhaltung/panne-bei-lottoziehung-6-aus-49-am-23-08-2025-110645418
    // and Superzahl 9 also in https://www.zdfheute.de/panorama/lotto-ziehung-panne-100.html
    RealDraw {
        id: "de-lotto-6aus49",
        date: "2025-08-23",
        main: &[3, 9, 13, 21, 23, 27],
        bonus: &[&[9]],
    },
    // Tuesday 19 November 2024: 4 - 13 - 20 - 28 - 49, étoiles 7 and 12:
    // https://www.cnews.fr/france/2024-11-20/168-millions-deuros-leuromillions-deux-joueurs-ratent-le-jackpot-un-numero-pres
    RealDraw {
        id: "euromillions",
        date: "2024-11-19",
        main: &[4, 13, 20, 28, 49],
        bonus: &[&[7, 12]],
    },
    // Friday 26 July 2024: 4, 19, 23, 35, 37, stars 4 and 8:
    // https://secretsdujeu.com/euromillions/resultat/tirage-euromillions-du-vendredi-26-juillet-2024
    RealDraw {
        id: "euromillions",
        date: "2024-07-26",
        main: &[4, 19, 23, 35, 37],
        bonus: &[&[4, 8]],
    },
    // Monday 8 January 2018: 8-37-43-44-45, numéro chance 2:
    // http://www.rtl.fr/actu/societe-faits-divers/loto-les-predictions-d-un-mentaliste-contraignent-la-fdj-a-bloquer-les-numeros-7791757161
    RealDraw {
        id: "fr-loto",
        date: "2018-01-08",
        main: &[8, 37, 43, 44, 45],
        bonus: &[&[2]],
    },
    // Tuesday 15 October 2024, the 89.2 million jackpot of Riva del Garda: 1, 23, 44, 45, 47,
    // 60, Jolly 14, SuperStar 19:
    // https://www.ilriformista.it/sei-da-892-milioni-al-superenalotto-e-festa-nella-tabaccheria-di-riva-del-garda-chi-e-il-vincitore-speriamo-in-un-regalo-441918/
    // (also https://www.lacnews24.it/italia-mondo/superenalotto-centrato-il-jackpot-a-riva-del-garda-il-6-vale-oltre-89-milioni-jysdoja5)
    RealDraw {
        id: "it-superenalotto",
        date: "2024-10-15",
        main: &[1, 23, 44, 45, 47, 60],
        bonus: &[&[14], &[19]],
    },
    // Saturday 16 January 2016, in drawing order 8, 25, 52, 1, 12, 43, bonus ball 38:
    // https://www.telegraph.co.uk/news/uknews/12103163/National-Lottery-draw-Saturday-night-Lotto-draw-winning-numbers-and-jackpot-live.html
    RealDraw {
        id: "uk-lotto",
        date: "2016-01-16",
        main: &[8, 25, 52, 1, 12, 43],
        bonus: &[&[38]],
    },
    // Saturday 14 October 2017: 6, 22, 40, 43, 47, 58, bonus ball 42:
    // https://www.national-lottery.com/news/wednesdays-lotto-jackpot-is-a-must-win
    RealDraw {
        id: "uk-lotto",
        date: "2017-10-14",
        main: &[6, 22, 40, 43, 47, 58],
        bonus: &[&[42]],
    },
    // Tuesday 26 August 2025: 7, 12, 30, 40, 69, Mega Ball 17:
    // https://timesng.com/mega-millions-jackpot-hits-7/
    RealDraw {
        id: "us-mega-millions",
        date: "2025-08-26",
        main: &[7, 12, 30, 40, 69],
        bonus: &[&[17]],
    },
    // Friday 15 August 2025: 4, 17, 27, 34, 69, Mega Ball 16:
    // https://timesng.com/mega-millions-jackpot-hits-5/
    RealDraw {
        id: "us-mega-millions",
        date: "2025-08-15",
        main: &[4, 17, 27, 34, 69],
        bonus: &[&[16]],
    },
    // Wednesday 25 January 2023: 9, 17, 20, 38, 40, Powerball 18:
    // https://news.yahoo.com/did-anyone-win-526m-powerball-041024826.html
    // (also https://www.thelocalreport.in/saturdays-572-million-powerball-jackpot-winning-numbers-announced/)
    RealDraw {
        id: "us-powerball",
        date: "2023-01-25",
        main: &[9, 17, 20, 38, 40],
        bonus: &[&[18]],
    },
    // Saturday 21 January 2023: 5, 14, 19, 46, 64, Powerball 22:
    // https://williamsonsource.com/powerball-jackpot-rolls-over-500-million-for-january-23-drawing/
    RealDraw {
        id: "us-powerball",
        date: "2023-01-21",
        main: &[5, 14, 19, 46, 64],
        bonus: &[&[22]],
    },
];

fn bonus_of(d: &RealDraw) -> Vec<Vec<u32>> {
    d.bonus.iter().map(|g| g.to_vec()).collect()
}

#[test]
fn every_registered_lottery_has_a_real_draw() {
    for l in REGISTRY {
        assert!(
            REAL_DRAWS.iter().any(|d| d.id == l.id),
            "{} has no real draw vector",
            l.id
        );
    }
}

#[test]
fn real_draws_pass_the_checks() {
    for d in REAL_DRAWS {
        let l = lottery(d.id);
        let bonus = bonus_of(d);
        assert_eq!(
            l.format().check(d.main, &bonus),
            Ok(()),
            "{} {}",
            d.id,
            d.date
        );
        assert!(l.draw_instant(d.date).is_ok(), "{} {}", d.id, d.date);
    }
}

#[test]
fn real_draws_display_main_and_bonus_apart() {
    let uk = &REAL_DRAWS[5];
    assert_eq!(
        lottery(uk.id).format().display(uk.main, &bonus_of(uk)),
        "numbers 8 25 52 1 12 43 · bonus ball 38"
    );
    let it = &REAL_DRAWS[4];
    assert_eq!(
        lottery(it.id).format().display(it.main, &bonus_of(it)),
        "numbers 1 23 44 45 47 60 · Jolly 14 · SuperStar 19"
    );
    let em = &REAL_DRAWS[1];
    assert_eq!(
        lottery(em.id).format().display(em.main, &bonus_of(em)),
        "numbers 4 13 20 28 49 · stars 7 12"
    );
}

#[test]
fn registry_is_sorted_unique_and_found_by_id() {
    let ids: Vec<&str> = REGISTRY.iter().map(|l| l.id).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted);
    for id in [
        "de-lotto-6aus49",
        "euromillions",
        "fr-loto",
        "it-superenalotto",
        "uk-lotto",
        "us-mega-millions",
        "us-powerball",
    ] {
        assert_eq!(lottery(id).id, id);
        assert_eq!(lottery(id).format().validate(), Ok(()));
        assert!(lottery(id).result_page.starts_with("https://"));
    }
    assert!(registered("EuroMillions").is_none());
    assert!(registered("").is_none());
}

#[test]
fn formats_match_the_published_rules() {
    let group = |id: &str, i: usize| {
        let f = lottery(id).format();
        let g = if i == 0 {
            f.main
        } else {
            f.bonus[i - 1].clone()
        };
        (g.count, g.min, g.max, g.from_main_drum)
    };
    assert_eq!(group("euromillions", 0), (5, 1, 50, false));
    assert_eq!(group("euromillions", 1), (2, 1, 12, false));
    assert_eq!(group("fr-loto", 0), (5, 1, 49, false));
    assert_eq!(group("fr-loto", 1), (1, 1, 10, false));
    assert_eq!(group("uk-lotto", 0), (6, 1, 59, false));
    assert_eq!(group("uk-lotto", 1), (1, 1, 59, true));
    assert_eq!(group("us-powerball", 1), (1, 1, 26, false));
    assert_eq!(group("us-mega-millions", 0), (5, 1, 70, false));
    assert_eq!(group("us-mega-millions", 1), (1, 1, 24, false));
    assert_eq!(group("de-lotto-6aus49", 1), (1, 0, 9, false));
    assert_eq!(group("it-superenalotto", 0), (6, 1, 90, false));
    assert_eq!(group("it-superenalotto", 1), (1, 1, 90, true));
    assert_eq!(group("it-superenalotto", 2), (1, 1, 90, false));
    assert_eq!(lottery("euromillions").zone.name(), "Europe/Paris");
    assert_eq!(lottery("us-powerball").zone.name(), "America/New_York");
}

// Draw instants worked out by hand from the zone rules. Day numbers: 2026-01-01 is day
// 56 * 365 + 14 leap days (1972 to 2024) = 20454 since 1970-01-01. Each value was also
// checked with Python's zoneinfo, an independent implementation:
// int(datetime(2026, 12, 4, 20, 30, tzinfo=ZoneInfo("Europe/Paris")).timestamp()), etc.

#[test]
fn euromillions_winter_and_summer_instants() {
    // Friday 4 December 2026, winter: 20:30 CET = 19:30 UTC. Day 20454 + 334 (January to
    // November) + 3 = 20791; 20791 * 86400 = 1_796_342_400; + 19.5 h = 70_200.
    assert_eq!(
        lottery("euromillions").draw_instant("2026-12-04"),
        Ok(1_796_412_600)
    );
    // Friday 3 July 2026, summer: 20:30 CEST = 18:30 UTC. Day 20454 + 181 (January to June)
    // + 2 = 20637; 20637 * 86400 = 1_783_036_800; + 18.5 h = 66_600.
    assert_eq!(
        lottery("euromillions").draw_instant("2026-07-03"),
        Ok(1_783_103_400)
    );
}

#[test]
fn us_instants_across_daylight_saving_changes() {
    // Daylight time starts on Sunday 8 March 2026 (the second Sunday of March, day 20520).
    // Saturday 7 March (day 20519), 22:59 EST = 03:59 UTC on day 20520:
    // 20520 * 86400 + 3 h 59 min = 1_772_928_000 + 14_340.
    assert_eq!(
        lottery("us-powerball").draw_instant("2026-03-07"),
        Ok(1_772_942_340)
    );
    // Monday 9 March (day 20521), 22:59 EDT = 02:59 UTC on day 20522:
    // 20522 * 86400 + 2 h 59 min = 1_773_100_800 + 10_740.
    assert_eq!(
        lottery("us-powerball").draw_instant("2026-03-09"),
        Ok(1_773_111_540)
    );
    // Daylight time ends on Sunday 1 November 2026 (the first Sunday of November, day 20758).
    // Friday 30 October (day 20756), 23:00 EDT = 03:00 UTC on day 20757:
    // 20757 * 86400 + 3 h = 1_793_404_800 + 10_800.
    assert_eq!(
        lottery("us-mega-millions").draw_instant("2026-10-30"),
        Ok(1_793_415_600)
    );
    // Tuesday 3 November (day 20760), 23:00 EST = 04:00 UTC on day 20761:
    // 20761 * 86400 + 4 h = 1_793_750_400 + 14_400.
    assert_eq!(
        lottery("us-mega-millions").draw_instant("2026-11-03"),
        Ok(1_793_764_800)
    );
}

#[test]
fn us_eastern_rule_at_its_boundaries() {
    let ny = Zone::AmericaNewYork;
    // 8 March 2026 (day 20520 = 1_772_928_000 s): 01:59 EST = 06:59 UTC, and 03:00 EDT is
    // 07:00 UTC, the change itself.
    assert_eq!(
        ny.to_utc(2026, 3, 8, 1, 59),
        Some(1_772_928_000 + 6 * 3600 + 59 * 60)
    );
    assert_eq!(ny.to_utc(2026, 3, 8, 3, 0), Some(1_772_928_000 + 7 * 3600));
    // 1 November 2026 (day 20758 = 1_793_491_200 s): 00:59 EDT = 04:59 UTC; 01:30 happens
    // twice, the earlier (EDT, 05:30 UTC) is given; 02:00 EST = 07:00 UTC.
    assert_eq!(
        ny.to_utc(2026, 11, 1, 0, 59),
        Some(1_793_491_200 + 4 * 3600 + 59 * 60)
    );
    assert_eq!(
        ny.to_utc(2026, 11, 1, 1, 30),
        Some(1_793_491_200 + 5 * 3600 + 30 * 60)
    );
    assert_eq!(ny.to_utc(2026, 11, 1, 2, 0), Some(1_793_491_200 + 7 * 3600));
}

#[test]
fn eu_rule_at_its_boundaries() {
    let paris = Zone::EuropeParis;
    // 29 March 2026 (day 20541 = 1_774_742_400 s): summer time starts at 01:00 UTC.
    // 01:59 CET = 00:59 UTC; 03:00 CEST = 01:00 UTC.
    assert_eq!(
        paris.to_utc(2026, 3, 29, 1, 59),
        Some(1_774_742_400 + 59 * 60)
    );
    assert_eq!(paris.to_utc(2026, 3, 29, 3, 0), Some(1_774_742_400 + 3600));
    // 25 October 2026 (day 20751 = 1_792_886_400 s): summer time ends at 01:00 UTC.
    // 02:30 happens twice, the earlier (CEST, 00:30 UTC) is given; 03:00 CET = 02:00 UTC.
    assert_eq!(
        paris.to_utc(2026, 10, 25, 2, 30),
        Some(1_792_886_400 + 30 * 60)
    );
    assert_eq!(
        paris.to_utc(2026, 10, 25, 3, 0),
        Some(1_792_886_400 + 2 * 3600)
    );
    // London changes at the same instants, one hour behind Paris.
    let london = Zone::EuropeLondon;
    assert_eq!(
        london.to_utc(2026, 3, 29, 0, 59),
        Some(1_774_742_400 + 59 * 60)
    );
    assert_eq!(london.to_utc(2026, 3, 29, 2, 0), Some(1_774_742_400 + 3600));
    // Lotto 6aus49, Saturday 28 March 2026 (day 20540), 19:25 CET = 18:25 UTC, and
    // Wednesday 1 April 2026 (day 20544), 18:25 CEST = 16:25 UTC.
    assert_eq!(
        lottery("de-lotto-6aus49").draw_instant("2026-03-28"),
        Ok(20540 * 86400 + 18 * 3600 + 25 * 60)
    );
    assert_eq!(
        lottery("de-lotto-6aus49").draw_instant("2026-04-01"),
        Ok(20544 * 86400 + 16 * 3600 + 25 * 60)
    );
    // UK Lotto, Saturday 24 October 2026 (day 20750), 19:30 BST = 18:30 UTC, and
    // Wednesday 28 October 2026 (day 20754), 19:30 GMT = 19:30 UTC.
    assert_eq!(
        lottery("uk-lotto").draw_instant("2026-10-24"),
        Ok(20750 * 86400 + 18 * 3600 + 30 * 60)
    );
    assert_eq!(
        lottery("uk-lotto").draw_instant("2026-10-28"),
        Ok(20754 * 86400 + 19 * 3600 + 30 * 60)
    );
}

#[test]
fn refuses_wrong_counts() {
    let f = lottery("euromillions").format();
    assert_eq!(
        f.check(&[1, 2, 3, 4], &[vec![1, 2]]),
        Err(LotteryError::WrongCount {
            group: "numbers".into(),
            expected: 5,
            got: 4
        })
    );
    assert_eq!(
        f.check(&[1, 2, 3, 4, 5], &[vec![1, 2, 3]]),
        Err(LotteryError::WrongCount {
            group: "stars".into(),
            expected: 2,
            got: 3
        })
    );
    assert_eq!(
        f.check(&[1, 2, 3, 4, 5], &[]),
        Err(LotteryError::WrongGroupCount {
            expected: 1,
            got: 0
        })
    );
    assert_eq!(
        f.check(&[1, 2, 3, 4, 5], &[vec![1, 2], vec![3]]),
        Err(LotteryError::WrongGroupCount {
            expected: 1,
            got: 2
        })
    );
}

#[test]
fn refuses_numbers_out_of_range() {
    let f = lottery("euromillions").format();
    assert_eq!(
        f.check(&[0, 18, 28, 40, 48], &[vec![3, 9]]),
        Err(LotteryError::OutOfRange {
            group: "numbers".into(),
            number: 0,
            min: 1,
            max: 50
        })
    );
    assert_eq!(
        f.check(&[7, 18, 28, 40, 51], &[vec![3, 9]]),
        Err(LotteryError::OutOfRange {
            group: "numbers".into(),
            number: 51,
            min: 1,
            max: 50
        })
    );
    let star = f.check(&[7, 18, 28, 40, 48], &[vec![3, 13]]);
    assert_eq!(
        star,
        Err(LotteryError::OutOfRange {
            group: "stars".into(),
            number: 13,
            min: 1,
            max: 12
        })
    );
    let text = star.map_err(|e| e.to_string()).unwrap_err();
    assert!(
        text.contains("13") && text.contains("\"stars\"") && text.contains("1 to 12"),
        "{text}"
    );
    let de = lottery("de-lotto-6aus49").format();
    assert!(de.check(&[3, 9, 13, 21, 23, 27], &[vec![0]]).is_ok());
    assert!(matches!(
        de.check(&[3, 9, 13, 21, 23, 27], &[vec![10]]),
        Err(LotteryError::OutOfRange { number: 10, .. })
    ));
}

#[test]
fn refuses_repeats() {
    let f = lottery("euromillions").format();
    assert_eq!(
        f.check(&[7, 18, 7, 40, 48], &[vec![3, 9]]),
        Err(LotteryError::Repeated {
            group: "numbers".into(),
            number: 7
        })
    );
    assert_eq!(
        f.check(&[7, 18, 28, 40, 48], &[vec![9, 9]]),
        Err(LotteryError::Repeated {
            group: "stars".into(),
            number: 9
        })
    );
    // A star may equal a main number: the stars come from their own machine.
    assert_eq!(f.check(&[7, 18, 28, 40, 48], &[vec![7, 9]]), Ok(()));
}

#[test]
fn refuses_a_bonus_ball_equal_to_a_main_number() {
    let uk = lottery("uk-lotto").format();
    let got = uk.check(&[8, 25, 52, 1, 12, 43], &[vec![25]]);
    assert_eq!(
        got,
        Err(LotteryError::SameAsMain {
            group: "bonus ball".into(),
            number: 25
        })
    );
    let text = got.map_err(|e| e.to_string()).unwrap_err();
    assert!(
        text.contains("25") && text.contains("bonus ball") && text.contains("drum"),
        "{text}"
    );
    let it = lottery("it-superenalotto").format();
    assert!(matches!(
        it.check(&[1, 23, 44, 45, 47, 60], &[vec![60], vec![19]]),
        Err(LotteryError::SameAsMain { number: 60, .. })
    ));
    // The SuperStar has its own machine: it may equal a main number.
    assert_eq!(
        it.check(&[1, 23, 44, 45, 47, 60], &[vec![14], vec![60]]),
        Ok(())
    );
}

#[test]
fn refuses_dates_that_are_not_draw_days() {
    // Saturday 5 December 2026 is not a EuroMillions day.
    let got = lottery("euromillions").draw_instant("2026-12-05");
    assert_eq!(
        got,
        Err(LotteryError::NotADrawDay {
            lottery: "EuroMillions",
            date: "2026-12-05".into(),
            weekday: Weekday::Saturday,
            days: "Tuesday and Friday".into(),
        })
    );
    let text = got.map_err(|e| e.to_string()).unwrap_err();
    assert!(
        text.contains("Saturday") && text.contains("Tuesday and Friday"),
        "{text}"
    );
    assert!(lottery("us-powerball").draw_instant("2026-12-04").is_err());
    assert!(lottery("fr-loto").draw_instant("2026-12-06").is_err());
    assert!(
        lottery("it-superenalotto")
            .draw_instant("2026-12-07")
            .is_err()
    );
    // SuperEnalotto draws on Fridays since 12 January 2024.
    assert!(
        lottery("it-superenalotto")
            .draw_instant("2026-12-04")
            .is_ok()
    );
}

#[test]
fn refuses_dates_before_the_current_format() {
    // Mega Millions' Mega Ball became 1-24 with the drawing of Tuesday 8 April 2025; the
    // Friday before still drew from 25 balls.
    let mm = lottery("us-mega-millions");
    assert_eq!(
        mm.draw_instant("2025-04-04"),
        Err(LotteryError::BeforeFormat {
            lottery: "Mega Millions",
            date: "2025-04-04".into(),
            since: "2025-04-08",
        })
    );
    assert!(mm.draw_instant("2025-04-08").is_ok());
    // Powerball's Monday drawings began on 23 August 2021; a Wednesday before is refused too.
    assert!(matches!(
        lottery("us-powerball").draw_instant("2021-08-18"),
        Err(LotteryError::BeforeFormat { .. })
    ));
    assert!(matches!(
        lottery("uk-lotto").draw_instant("2015-10-07"),
        Err(LotteryError::BeforeFormat { .. })
    ));
    let text = mm
        .draw_instant("2025-04-04")
        .map_err(|e| e.to_string())
        .unwrap_err();
    assert!(
        text.contains("2025-04-08") && text.contains("2025-04-04"),
        "{text}"
    );
}

#[test]
fn refuses_malformed_dates() {
    let l = lottery("euromillions");
    for bad in [
        "2026-02-30",
        "2026-1-5",
        "tomorrow",
        "2026-12-04T20:00",
        "2026-12-4",
        "04-12-2026",
        "2026-13-04",
        "",
        " 2026-12-04",
        "2026‐12‐04",
    ] {
        assert_eq!(
            l.draw_instant(bad),
            Err(LotteryError::BadDate { date: bad.into() }),
            "{bad}"
        );
    }
    let text = l
        .draw_instant("2026-02-30")
        .map_err(|e| e.to_string())
        .unwrap_err();
    assert!(
        text.contains("2026-02-30") && text.contains("YYYY-MM-DD"),
        "{text}"
    );
}

fn group(name: &str, count: u32, min: u32, max: u32, from_main_drum: bool) -> NumberGroup {
    NumberGroup {
        name: name.into(),
        count,
        min,
        max,
        from_main_drum,
    }
}

fn format(main: NumberGroup, bonus: Vec<NumberGroup>) -> LotteryFormat {
    LotteryFormat { main, bonus }
}

#[test]
fn refuses_formats_that_do_not_fit() {
    let main = || group("numbers", 6, 1, 49, false);
    let bad = [
        // Seven different numbers cannot come from 1 to 6.
        format(group("numbers", 7, 1, 6, false), vec![]),
        format(group("numbers", 0, 1, 49, false), vec![]),
        format(group("numbers", 65, 1, 100, false), vec![]),
        format(group("numbers", 1, 9, 1, false), vec![]),
        format(group("", 6, 1, 49, false), vec![]),
        format(group("num\u{7}bers", 6, 1, 49, false), vec![]),
        format(group(&"n".repeat(257), 6, 1, 49, false), vec![]),
        format(group("numbers", 6, 1, 49, true), vec![]),
        // A bonus ball from the main drum must share its range and fit after the main numbers.
        format(main(), vec![group("bonus", 1, 1, 50, true)]),
        format(
            group("numbers", 6, 1, 6, false),
            vec![group("bonus", 1, 1, 6, true)],
        ),
        format(
            main(),
            (0..9)
                .map(|i| group(&format!("g{i}"), 1, 1, 9, false))
                .collect(),
        ),
    ];
    for f in bad {
        assert!(
            matches!(f.validate(), Err(LotteryError::BadFormat { .. })),
            "{f:?}"
        );
        assert!(f.check(&[1], &[]).is_err());
    }
    let text = format(group("numbers", 7, 1, 6, false), vec![])
        .validate()
        .map_err(|e| e.to_string())
        .unwrap_err();
    assert!(
        text.contains("\"numbers\"") && text.contains('7') && text.contains("1 to 6"),
        "{text}"
    );
    // The extremes that do fit.
    assert_eq!(
        format(group("numbers", 64, 0, 63, false), vec![]).validate(),
        Ok(())
    );
    assert_eq!(
        format(group("numbers", 1, u32::MAX, u32::MAX, false), vec![]).validate(),
        Ok(())
    );
    assert_eq!(
        format(
            group("numbers", 5, 1, 6, false),
            vec![group("bonus", 1, 1, 6, true)]
        )
        .validate(),
        Ok(())
    );
}

#[test]
fn formats_read_from_json() {
    let f: LotteryFormat = serde_json::from_str(
        r#"{"main": {"name": "numbers", "count": 6, "min": 1, "max": 59},
            "bonus": [{"name": "bonus ball", "count": 1, "min": 1, "max": 59, "from_main_drum": true}]}"#,
    )
    .expect("a valid format");
    assert_eq!(f, lottery("uk-lotto").format());
    let no_bonus: LotteryFormat =
        serde_json::from_str(r#"{"main": {"name": "n", "count": 3, "min": 0, "max": 9}}"#)
            .expect("bonus defaults to none");
    assert!(no_bonus.bonus.is_empty() && !no_bonus.main.from_main_drum);
    let unknown = serde_json::from_str::<LotteryFormat>(
        r#"{"main": {"name": "n", "count": 3, "min": 0, "max": 9, "sorted": true}}"#,
    );
    assert!(unknown.is_err());
    let back: LotteryFormat =
        serde_json::from_str(&serde_json::to_string(&f).expect("serializes")).expect("reads");
    assert_eq!(back, f);
}

#[test]
fn weekday_names_and_dates() {
    assert_eq!(Weekday::of_date(2026, 12, 4), Weekday::Friday);
    assert_eq!(Weekday::of_date(2026, 3, 8), Weekday::Sunday);
    assert_eq!(Weekday::Wednesday.name(), "Wednesday");
}
