use desmigratif_pdf::{PdfError, SHARED, TEMPLATES, check, qr_svg, render, sample_data, text};

fn url(data: &serde_json::Value) -> String {
    data["verify"]["url"].as_str().unwrap().to_owned()
}

/// Text as a reader sees it: whitespace runs (line ends, justified spaces) count as one space.
fn words(pdf: &[u8]) -> String {
    text(pdf)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_template_renders_its_sample_and_says_what_it_should() {
    for (kind, template) in TEMPLATES {
        let data = sample_data(kind);
        let pdf = render(template, &data, &url(&data)).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(pdf.starts_with(b"%PDF-"), "{kind}");
        let said = words(&pdf);
        for (what, value) in [
            ("name", &data["subject"]["name"]),
            ("NIK", &data["subject"]["nik"]),
            ("number", &data["letter"]["number"]),
            ("title", &data["letter"]["title"]),
            ("verification code", &data["verify"]["code"]),
            ("verification address", &data["verify"]["url"]),
            ("signer", &data["signer"]["name"]),
        ] {
            let value = value.as_str().unwrap();
            assert!(
                said.contains(value),
                "{kind}: the {what} {value:?} is not in the text:\n{said}"
            );
        }
        for line in [
            "PEMERINTAH KABUPATEN INDRAMAYU",
            "KECAMATAN SINDANG",
            "DESA KENANGA",
            "Keaslian surat ini dapat diperiksa di",
            "atau dengan memindai kode QR",
            "Ditandatangani secara elektronik oleh H. Darsono",
        ] {
            assert!(said.contains(line), "{kind}: {line:?} is not in:\n{said}");
        }
    }
}

#[test]
fn kind_specific_fields_are_printed() {
    for (kind, template) in TEMPLATES {
        let data = sample_data(kind);
        let said = words(&render(template, &data, &url(&data)).unwrap());
        for (key, value) in data["fields"].as_object().unwrap() {
            let value = value.as_str().unwrap();
            assert!(
                said.contains(value),
                "{kind}: fields.{key} {value:?} not in:\n{said}"
            );
        }
    }
}

#[test]
fn every_letter_fits_on_one_page() {
    for (kind, template) in TEMPLATES {
        let data = sample_data(kind);
        let pdf = render(template, &data, &url(&data)).unwrap();
        let pages = lopdf::Document::load_mem(&pdf).unwrap().get_pages().len();
        assert_eq!(pages, 1, "{kind}");
    }
}

#[test]
fn the_same_letter_gives_the_same_bytes() {
    let (kind, template) = TEMPLATES[0];
    let data = sample_data(kind);
    let first = render(template, &data, &url(&data)).unwrap();
    // Another letter in between, so nothing hinges on the last render being cached.
    let (other_kind, other) = TEMPLATES[3];
    render(other, &sample_data(other_kind), "https://desa.example/v/x").unwrap();
    let second = render(template, &data, &url(&data)).unwrap();
    assert!(first == second, "two renders of the same letter differ");

    let mut changed = data.clone();
    changed["subject"]["name"] = "Siti Aminah".into();
    assert!(render(template, &changed, &url(&data)).unwrap() != first);
}

#[test]
fn data_is_text_never_typst() {
    let (kind, template) = TEMPLATES[2];
    let mut data = sample_data(kind);
    let hostile = r#"Siti *Nur* #panic("x") $x^2$ [a] \ <l> @ref `raw` // komentar"#;
    data["subject"]["name"] = hostile.into();
    data["subject"]["address"] = "\"); #panic(\"y\") //".into();
    let pdf = render(template, &data, &url(&data)).expect("data cannot break the template");
    let said = words(&pdf);
    assert!(said.contains(hostile), "{said}");
    assert!(said.contains("\"); #panic(\"y\") //"), "{said}");
}

#[test]
fn sample_data_passes_check_and_unicode_names_print() {
    for (kind, template) in TEMPLATES {
        check(template, &sample_data(kind)).unwrap();
    }
    let (kind, template) = TEMPLATES[1];
    let mut data = sample_data(kind);
    data["subject"]["name"] = "Ni Luh Putu Désirée Ayu".into();
    let said = words(&render(template, &data, &url(&data)).unwrap());
    assert!(said.contains("Ni Luh Putu Désirée Ayu"), "{said}");
}

#[test]
fn a_syntax_error_names_its_line() {
    let (kind, template) = TEMPLATES[2];
    let broken = template.replacen("#tabel-isian(", "#tabel-isian((", 1);
    let line = 1 + broken
        .lines()
        .position(|l| l.contains("#tabel-isian(("))
        .unwrap();
    let err = check(&broken, &sample_data(kind)).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("Templat surat tidak bisa disusun: "),
        "{message}"
    );
    assert!(matches!(err, PdfError::Template(_)), "{err:?}");
    // Typst reports the unclosed bracket where it opens, first; what follows is its cascade.
    let PdfError::Template(problems) = err else {
        unreachable!()
    };
    assert_eq!(problems[0].line, Some(line), "{problems:?}");
    assert_eq!(problems[0].message, "unclosed delimiter");
    assert!(
        message.contains(&format!("baris {line}: unclosed delimiter")),
        "{message}"
    );
}

#[test]
fn an_unknown_variable_is_reported_at_its_line_in_indonesian() {
    let template = "#import \"surat.typ\": *\n#let data = json(\"data.json\")\n\nHalo #nam.\n";
    let err = check(template, &sample_data("domisili")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Templat surat tidak bisa disusun: baris 4: unknown variable: nam"
    );
}

#[test]
fn a_missing_field_is_reported_at_the_template_line() {
    let (kind, template) = TEMPLATES[0];
    let mut data = sample_data(kind);
    data["fields"]
        .as_object_mut()
        .unwrap()
        .remove("destination");
    let line = 1 + template
        .lines()
        .position(|l| l.contains("isian.destination"))
        .unwrap();
    let message = check(template, &data).unwrap_err().to_string();
    assert!(message.contains(&format!("baris {line}:")), "{message}");
    assert!(message.contains("destination"), "{message}");
}

#[test]
fn errors_inside_the_shared_part_point_at_the_calling_line() {
    // tabel-isian wants pairs; a bare string fails inside surat.typ.
    let template = "#import \"surat.typ\": *\n\n#tabel-isian((\"x\",))\n";
    let PdfError::Template(problems) = check(template, &sample_data("domisili")).unwrap_err()
    else {
        panic!("expected a template error")
    };
    assert_eq!(problems[0].line, Some(3), "{problems:?}");
}

#[test]
fn only_the_three_files_can_be_read() {
    for template in [
        "#import \"@preview/cetz:0.3.0\": *",
        "#read(\"/etc/passwd\")",
        "#image(\"../../logo.png\")",
        "#datetime.today()",
    ] {
        assert!(
            check(template, &sample_data("domisili")).is_err(),
            "{template}"
        );
    }
    let message = check("#read(\"rahasia.txt\")", &sample_data("domisili"))
        .unwrap_err()
        .to_string();
    assert!(message.contains("tidak tersedia"), "{message}");
}

#[test]
fn the_shared_part_is_exposed() {
    assert_eq!(SHARED.0, "surat.typ");
    assert!(SHARED.1.contains("#let surat(data, isi)"));
    for (_, template) in TEMPLATES {
        assert!(template.contains("#import \"surat.typ\""));
        assert!(template.contains("json(\"data.json\")"));
    }
}

#[test]
fn unknown_kinds_get_common_sample_data() {
    let data = sample_data("lainnya");
    assert_eq!(data["letter"]["kind"], "lainnya");
    assert!(data["fields"].as_object().unwrap().is_empty());
    assert_eq!(data["subject"]["nik"].as_str().unwrap().len(), 16);
}

#[test]
fn qr_codes_are_svg() {
    let svg = qr_svg("https://desa.example/v/Q7mK2xN4pR8s");
    assert!(svg.starts_with("<svg"), "{svg}");
    assert!(svg.ends_with("</svg>"));
    assert!(svg.contains("<path"));
    assert_ne!(svg, qr_svg("https://desa.example/v/lain"));
    // Too long for any QR code: a blank square, and render refuses.
    let long = "x".repeat(5000);
    assert!(qr_svg(&long).starts_with("<svg"));
    let (kind, template) = TEMPLATES[2];
    assert!(matches!(
        render(template, &sample_data(kind), &long),
        Err(PdfError::QrTooLong(5000))
    ));
}

#[test]
fn text_refuses_what_is_not_a_pdf() {
    let err = text(b"bukan pdf").unwrap_err();
    assert!(
        err.to_string().starts_with("Teks PDF tidak bisa dibaca"),
        "{err}"
    );
}

#[test]
fn letters_render_in_parallel_to_the_same_bytes() {
    let expected: Vec<Vec<u8>> = TEMPLATES
        .iter()
        .map(|(kind, template)| {
            render(template, &sample_data(kind), "https://desa.example/v/p").unwrap()
        })
        .collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    (0..3)
                        .flat_map(|_| TEMPLATES.iter())
                        .map(|(kind, template)| {
                            render(template, &sample_data(kind), "https://desa.example/v/p")
                                .unwrap()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for worker in workers {
            for (i, pdf) in worker.join().unwrap().into_iter().enumerate() {
                assert!(pdf == expected[i % TEMPLATES.len()], "letter {i} differs");
            }
        }
    });
}
