//! The browser app's charts drawn natively with plotters' SVG backend: every chart
//! renders its title, legend and data without a font library, and its maths (ranges,
//! CSV, colours) is right. The SVGs are left in `$CARGO_TARGET_TMPDIR/charts/` to
//! look at.

use plotters::prelude::*;

use microcircuit::app::App;
use microcircuit::app::config::AppConfig;
use microcircuit::charts::confusion::Confusion;
use microcircuit::charts::curves::{Curves, reference_for};
use microcircuit::charts::digits::Digits;
use microcircuit::charts::potentials::Potentials;
use microcircuit::charts::sps::SpsTrace;
use microcircuit::model::engine::EngineKind;
use microcircuit::train::Metrics;

/// Draws with `f` on a 640×400 SVG, saves it and returns the text.
fn svg(name: &str, f: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>)) -> String {
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (640, 400)).into_drawing_area();
        f(&root);
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("charts");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.svg")), &s).unwrap();
    s
}

fn metrics(patterns: u64, mse: f64, accuracy: Option<f64>) -> Metrics {
    Metrics {
        patterns,
        epoch: patterns as f64 / 6000.0,
        mse,
        accuracy,
        confusion: None,
        alignment: None,
    }
}

#[test]
fn training_curves_show_both_panels_and_the_reference() {
    let hist: Vec<Metrics> = (0..20)
        .map(|i| {
            metrics(
                300 * i,
                0.3 / (1.0 + i as f64),
                Some(0.33 + 0.03 * i as f64),
            )
        })
        .collect();
    let test = metrics(6000, 0.02, Some(0.95));
    let c = Curves::new(&hist, Some(&test), 270_000, "yin_yang");
    let (lo, hi) = c.mse_range();
    // Whole decades around the data, a hair wider (0.01 .. 1).
    assert!(
        lo > 0.0099 && lo <= 0.01 && (1.0..1.01).contains(&hi),
        "{lo} {hi}"
    );
    let (alo, ahi) = c.accuracy_range();
    assert!(alo <= 33.0 && (96.7..=100.0).contains(&ahi), "{alo} {ahi}");
    let s = svg("curves", |a| c.draw(a).unwrap());
    for text in [
        "Validation MSE",
        "Validation accuracy",
        "published 96.7 %",
        "test 95.0 %",
        "\n0.01\n",
        "\n0.1\n",
    ] {
        assert!(s.contains(text), "missing {text:?}");
    }
    assert!(s.matches("<polyline").count() >= 3, "lines drawn");
    let csv = c.to_csv();
    assert_eq!(csv.lines().count(), 22);
    assert!(
        csv.lines()
            .last()
            .unwrap()
            .starts_with("test,6000,1,0.02,0.95"),
        "{csv}"
    );
}

#[test]
fn compared_learners_are_drawn_over_the_run_with_their_own_legend() {
    use microcircuit::charts::curves::{CurvePoint, OtherCurve};
    let hist: Vec<Metrics> = (0..5).map(|i| metrics(300 * i, 0.3, Some(0.5))).collect();
    let mut c = Curves::new(&hist, None, 270_000, "yin_yang");
    let alone = svg("curves_alone", |a| c.draw(a).unwrap());
    let other = |label: &str, style, acc: f64, mse: f64| OtherCurve {
        label: label.into(),
        style,
        points: (0..7)
            .map(|i| CurvePoint {
                patterns: 300 * i,
                epoch: 0.05 * i as f64,
                mse,
                accuracy: Some(acc),
                alignment: None,
            })
            .collect(),
    };
    c.others = vec![
        other("backprop", 0, 0.2, 2.0),
        other("feedback alignment", 1, 0.9, 0.001),
    ];
    // The axes take in the others' points: a further x, a wider MSE and accuracy range.
    assert!(c.x_max() >= 1800.0, "{}", c.x_max());
    assert!(c.mse_range().0 < 0.001 && c.mse_range().1 > 2.0);
    let (lo, hi) = c.accuracy_range();
    assert!(lo <= 20.0 && hi >= 90.0, "{lo} {hi}");
    let s = svg("curves_compared", |a| c.draw(a).unwrap());
    for text in ["this run", "backprop", "feedback alignment"] {
        assert!(s.contains(text), "missing {text:?}");
    }
    // Dashed lines and filled markers of their own: more drawn than alone.
    assert!(s.matches("<polygon").count() >= 14 + alone.matches("<polygon").count());
    assert!(
        s.matches("<polyline").count() + s.matches("<line").count()
            > alone.matches("<polyline").count() + alone.matches("<line").count()
    );
    // The CSV export is this run's alone.
    assert_eq!(c.to_csv().lines().count(), 6);
}

#[test]
fn regression_curves_have_no_accuracy_panel_or_reference() {
    let hist = vec![metrics(0, 0.5, None), metrics(50, 0.1, None)];
    let c = Curves::new(&hist, None, 1000, "mimic");
    assert!(reference_for("mimic").is_none());
    let s = svg("curves_mimic", |a| c.draw(a).unwrap());
    assert!(s.contains("Validation MSE"));
    assert!(!s.contains("accuracy"));
    let empty = Curves::new(&[], None, 1000, "mimic");
    let s = svg("curves_empty", |a| empty.draw(a).unwrap());
    assert!(s.contains("first validation pending"));
}

#[test]
fn sps_chart_from_a_real_run_shows_three_falling_series() {
    let mut c = AppConfig::from_preset("mimic").unwrap();
    c.engine = EngineKind::SteadNet;
    let mut app = App::new(c).unwrap();
    app.advance(1000, &mut || false).unwrap();
    let f = app.frame();
    let sps: &SpsTrace = &f.sps;
    assert!(sps.t_s.len() > 100);
    // Random initialisation: the distance to the SPS falls during training.
    assert!(
        *sps.d_pi.last().unwrap() < 0.8 * sps.d_pi[0],
        "{:?}",
        (sps.d_pi[0], sps.d_pi.last())
    );
    let (lo, hi) = sps.y_range();
    assert!(lo == 0.0 && hi >= sps.d_pi[0] as f64);
    let s = svg("sps", |a| sps.draw(a).unwrap());
    for text in [
        "Self-predicting state",
        "mean |v_A|",
        "W^ip",
        "W^pi + W^down",
    ] {
        assert!(s.contains(text), "missing {text:?}");
    }
    let s = svg("potentials_steady", |a| f.potentials.draw(a).unwrap());
    assert!(s.contains("neuron 1"));
    assert!(s.contains("<circle"), "SteadNet points are marked");
}

#[test]
fn potentials_chart_draws_outputs_and_dashed_targets() {
    let t: Vec<f64> = (0..300).map(|i| 1000.0 + i as f64).collect();
    let p = Potentials {
        outputs: vec![
            t.iter().map(|x| (x / 50.0).sin() as f32).collect(),
            t.iter().map(|x| (x / 70.0).cos() as f32).collect(),
        ],
        targets: vec![vec![0.5; 300], vec![-0.2; 300]],
        t_ms: t,
        steady: false,
    };
    let (x0, x1) = p.x_range();
    assert!((x0 - 1.0).abs() < 1e-12 && (x1 - 1.299).abs() < 1e-12);
    let (y0, y1) = p.y_range();
    assert!(y0 < -0.99 && y1 > 0.99);
    let s = svg("potentials", |a| p.draw(a).unwrap());
    assert!(s.contains("Output potentials"));
    assert!(s.contains("neuron 0") && s.contains("neuron 1"));
    // Dashed targets are many short segments.
    assert!(s.matches("<polyline").count() > 10);
}

#[test]
fn confusion_and_digits_render() {
    let counts = vec![vec![50, 2, 1], vec![3, 40, 0], vec![0, 5, 45]];
    let c = Confusion::new(counts, vec!["yin".into(), "yang".into(), "dot".into()]);
    let s = svg("confusion", |a| c.draw(a).unwrap());
    assert!(
        s.contains("Confusion matrix (validation, 92.5 %)"),
        "{}",
        c.accuracy()
    );
    assert!(s.contains("\n50\n") && s.contains("\nyang\n"));
    let mut img = vec![0.0f32; 28 * 28];
    for r in 4..24 {
        img[r * 28 + 14] = 1.0;
    }
    let d = Digits {
        side: 28,
        images: vec![img.clone(), img],
        labels: vec![1, 1],
        predicted: vec![1, 7],
    };
    assert_eq!(Digits::grid(8), (4, 2));
    assert_eq!(Digits::grey(1.0), 0);
    let s = svg("digits", |a| d.draw(a).unwrap());
    assert!(s.contains("1 → 1 ✓") && s.contains("1 → 7 ✗"));
    assert!(s.matches("<rect").count() >= 40);
}

#[test]
fn weight_codes_show_the_six_bit_grid() {
    use microcircuit::charts::codes::WeightCodes;
    let mut c = AppConfig::from_preset("yin_yang").unwrap();
    c.engine = EngineKind::SteadNet;
    c.val_every = 1_000_000;
    // Float arithmetic has no codes.
    let app = App::new(c.clone()).unwrap();
    assert!(app.frame().codes.is_none());
    c.params.arith.kind = microcircuit::model::formats::ArithKind::Bss2;
    let mut app = App::new(c).unwrap();
    // In the self-predicting state (the preset's initialisation) W^ip_1 holds the
    // codes of W^up_2 (its scale is c_1 s(W^up_2)), W^pi_1 those of −W^down_1 (the
    // bins reversed): the histograms agree bin for bin.
    let init = app.frame().codes.expect("codes before training");
    assert_eq!(init.series[2].counts, init.series[1].counts);
    let rev: Vec<u64> = init.series[4].counts.iter().rev().copied().collect();
    assert_eq!(init.series[3].counts, rev);
    app.advance(200, &mut || false).unwrap();
    let codes = app.frame().codes.expect("codes with the chip's arithmetic");
    assert!(
        codes.format.starts_with("BSS-2: weights 6-bit"),
        "{}",
        codes.format
    );
    let names: Vec<&str> = codes.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["W^up_1", "W^up_2", "W^ip_1", "W^pi_1", "W^down_1"]);
    // Every synapse counted once, in 127 bins.
    let net = app.trainer().engine().network();
    let total: u64 = codes.series.iter().flat_map(|s| s.counts.iter()).sum();
    assert_eq!(total as usize, net.params.n_synapses());
    assert!(codes.series.iter().all(|s| s.counts.len() == 127));
    // W^pi_1 and W^down_1 are fixed in this preset, so they still mirror each other
    // after training (W^ip_1 and W^up_2 both learn and drift apart by a few codes).
    let rev: Vec<u64> = codes.series[4].counts.iter().rev().copied().collect();
    assert_eq!(codes.series[3].counts, rev);
    let s = svg("codes", |a| codes.draw(a).unwrap());
    assert!(
        s.contains("6-bit weight codes") && s.contains("W^up_1"),
        "title and legend"
    );
    assert!(s.matches("<rect").count() > 50, "bars drawn");
    let empty = svg("codes-empty", |a| WeightCodes::default().draw(a).unwrap());
    assert!(empty.contains("float arithmetic"));
}
