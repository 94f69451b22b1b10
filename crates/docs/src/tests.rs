use super::*;

fn texts(rows: &[(usize, Vec<String>)]) -> Vec<(usize, Vec<&str>)> {
    rows.iter()
        .map(|(n, c)| (*n, c.iter().map(String::as_str).collect()))
        .collect()
}

#[test]
fn semicolon_csv_with_a_bom_as_indonesian_excel_writes_it() {
    let file = "\u{feff}NIK;Nama;Alamat\r\n3212164507980001;Siti Aminah;\"Jl. Mawar; RT 2\"\r\n\r\n3212160101900002;Darto;\r\n;;\r\n";
    let s = read(file.as_bytes(), "data.csv").unwrap();
    assert_eq!(s.headers, ["NIK", "Nama", "Alamat"]);
    assert_eq!(
        texts(&s.rows),
        [
            (
                2,
                vec!["3212164507980001", "Siti Aminah", "Jl. Mawar; RT 2"]
            ),
            (4, vec!["3212160101900002", "Darto", ""])
        ],
        "the blank line keeps its row number; trailing blank rows are dropped"
    );
    assert!(s.problems.is_empty());
}

#[test]
fn comma_csv_without_bom_and_short_rows_padded() {
    let s = read(b"nik,nama,telepon\n3212164507980001,Siti\n", "x.csv").unwrap();
    assert_eq!(texts(&s.rows), [(2, vec!["3212164507980001", "Siti", ""])]);
}

#[test]
fn numbers_excel_has_rounded_are_reported_not_guessed() {
    let s = read(
        b"nik;nama\n3,21216E+15;Siti\n'3212164507980001;Darto\n",
        "x.csv",
    )
    .unwrap();
    assert_eq!(
        s.rows[1].1[0], "3212164507980001",
        "the apostrophe only kept Excel off the number"
    );
    assert_eq!(s.problems.len(), 1);
    assert_eq!((s.problems[0].row, s.problems[0].column), (2, 0));
    assert!(
        s.problems[0].message.contains("Teks"),
        "{}",
        s.problems[0].message
    );
}

#[test]
fn data_beside_the_last_titled_column_is_reported() {
    let s = read(b"nik,nama\n1,Siti,lupa\n", "x.csv").unwrap();
    assert_eq!(s.rows[0].1.len(), 2);
    assert_eq!((s.problems[0].row, s.problems[0].column), (2, 2));
}

#[test]
fn empty_files_and_other_formats_are_refused_clearly() {
    assert_eq!(
        read(b"", "kosong.csv").unwrap_err(),
        SheetError::Empty("kosong.csv".into())
    );
    assert_eq!(
        read(b"\n;;\n", "kosong.csv").unwrap_err(),
        SheetError::Empty("kosong.csv".into())
    );
    assert_eq!(
        read(b"nik;nama\n", "judul.csv").unwrap_err(),
        SheetError::NoData("judul.csv".into())
    );
    let pdf = b"%PDF-1.7\n\x00\x01binary";
    assert_eq!(
        read(pdf, "C:\\Dokumen\\scan.pdf").unwrap_err(),
        SheetError::NotSpreadsheet("scan.pdf".into())
    );
    assert!(matches!(
        read(b"PK\x03\x04not really a zip", "palsu.xlsx").unwrap_err(),
        SheetError::NotSpreadsheet(_)
    ));
    let latin1 = b"nama\nJos\xe9\n";
    assert_eq!(
        read(latin1, "x.csv").unwrap_err(),
        SheetError::Encoding { row: 2 }
    );
    assert!(SheetError::TooManyRows.to_string().contains("200.000"));
}

#[test]
fn more_than_the_limit_is_refused() {
    let mut file = String::from("nik\n");
    for i in 0..=MAX_ROWS {
        file.push_str(&format!("{i}\n"));
    }
    assert_eq!(
        read(file.as_bytes(), "besar.csv").unwrap_err(),
        SheetError::TooManyRows
    );
    // Exactly the limit is fine.
    let at_limit = &file[..file.len() - format!("{MAX_ROWS}\n").len()];
    assert_eq!(
        read(at_limit.as_bytes(), "pas.csv").unwrap().rows.len(),
        MAX_ROWS
    );
}

#[test]
fn a_workbook_reaching_beyond_the_limits_is_refused_before_its_range_is_built() {
    use crate::testing::workbook;
    // One header at A1 and one cell at XFD1048576, no <dimension>: the rectangle between
    // them is 17 billion cells, which the server used to try to allocate and die on.
    let far = workbook(&[("A1", "NIK"), ("XFD1048576", "x")], None);
    assert!(far.len() < 4096, "{} bytes", far.len());
    assert_eq!(
        read(&far, "jauh.xlsx").unwrap_err(),
        SheetError::TooManyColumns(16_384)
    );
    // The same cell within the columns, far down: refused by the rectangle, not allocated.
    let deep = workbook(&[("A1", "NIK"), ("GR1048576", "x")], None);
    let e = read(&deep, "dalam.xlsx").unwrap_err();
    assert!(
        matches!(
            e,
            SheetError::TooWide {
                rows: 1_048_576,
                columns: 200
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("terlalu luas"), "{e}");
    // A huge declared dimension over a small sheet is not believed: the sheet reads.
    let lying = workbook(&[("A1", "NIK"), ("A2", "3201")], Some("A1:XFD1048576"));
    let sheet = read(&lying, "bohong.xlsx").unwrap();
    assert_eq!(sheet.headers, vec!["NIK"]);
    assert_eq!(texts(&sheet.rows), vec![(2, vec!["3201"])]);
    // ...and with a real far cell it is refused like the undeclared one.
    let both = workbook(&[("A1", "NIK"), ("XFD1048576", "x")], Some("A1:XFD1048576"));
    assert_eq!(
        read(&both, "dua.xlsx").unwrap_err(),
        SheetError::TooManyColumns(16_384)
    );
}

#[test]
fn xlsx_round_trip_keeps_long_numbers_as_text() {
    let headers = ["nik", "nama", "rt", "telepon"];
    let rows = vec![
        vec![
            "3212164507980001".to_owned(),
            "Siti Aminah".to_owned(),
            "002".to_owned(),
            "081234567890".to_owned(),
        ],
        vec![
            "3212160101900002".to_owned(),
            "=1+1".to_owned(),
            String::new(),
            String::new(),
        ],
    ];
    let bytes = write_xlsx("Penduduk", &headers, rows.clone().into_iter(), &[0, 3]);
    assert!(bytes.starts_with(ZIP_MAGIC));
    let s = read(&bytes, "ekspor.xlsx").unwrap();
    assert_eq!(s.headers, headers);
    assert_eq!(s.rows, vec![(2, rows[0].clone()), (3, rows[1].clone())]);
    assert!(s.problems.is_empty(), "{:?}", s.problems);
}

#[test]
fn xlsx_numbers_and_dates_come_back_as_people_typed_them() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["nik", "rt", "tanggal_lahir", "tinggi", "prosedural"]
        .iter()
        .enumerate()
    {
        sheet.write_string(2, c as u16 + 1, *h).unwrap();
    }
    // A NIK typed as a number: Excel keeps 15 significant digits.
    sheet.write_number(3, 1, 3212164507980001.0).unwrap();
    sheet.write_number(3, 2, 7.0).unwrap();
    let date = ExcelDateTime::from_ymd(1998, 7, 5).unwrap();
    sheet
        .write_datetime_with_format(3, 3, &date, &Format::new().set_num_format("dd/mm/yyyy"))
        .unwrap();
    sheet.write_number(3, 4, 152.5).unwrap();
    sheet.write_boolean(3, 5, true).unwrap();
    sheet.write_number(4, 1, 321216450798001.0).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let s = read(&bytes, "angka.xlsx").unwrap();
    assert_eq!(
        s.headers,
        ["", "nik", "rt", "tanggal_lahir", "tinggi", "prosedural"],
        "column A stays column A"
    );
    assert_eq!(
        texts(&s.rows)[0],
        (
            4,
            vec!["", "3212164507980001", "7", "1998-07-05", "152.5", "ya"]
        )
    );
    assert_eq!(
        texts(&s.rows)[1].1[1],
        "321216450798001",
        "15 digits are exact; no .0, no exponent"
    );
    assert_eq!(s.problems.len(), 1, "{:?}", s.problems);
    assert_eq!((s.problems[0].row, s.problems[0].column), (4, 1));
    assert!(s.problems[0].message.contains("15 digit"));
}

#[test]
fn a_workbook_keeps_its_sheets_money_as_numbers_and_text_as_typed() {
    use calamine::{Data, Reader};
    let text = |s: &str| Cell::Text(s.to_owned());
    let sheet = |name: &str, headers: &[&str], rows: Vec<Vec<Cell>>| SheetOut {
        name: name.to_owned(),
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows,
        text_columns: vec![0],
    };
    let bytes = write_workbook(&[
        sheet(
            "Neraca 2026",
            &["Kode", "Akun", "Jumlah"],
            vec![
                vec![text("101"), text("Kas"), Cell::Money(1_250_000)],
                vec![text("105"), text("=1+1"), Cell::Money(-75_000)],
            ],
        ),
        sheet(
            "PHU 2026",
            &["Kode", "Akun", "Jumlah"],
            vec![vec![text("401"), text("Pendapatan jasa"), Cell::Money(0)]],
        ),
        sheet(
            "SHU per anggota 2026",
            &["No. anggota", "Nama", "Jumlah"],
            vec![vec![
                text("0012"),
                text("Siti Nurjanah"),
                // The largest amount the program accepts is exact as an XLSX number.
                Cell::Money(9_999_999_999_999),
            ]],
        ),
    ]);
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(&bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Neraca 2026", "PHU 2026", "SHU per anggota 2026"]
    );
    let neraca = book.worksheet_range("Neraca 2026").unwrap();
    assert_eq!(neraca.get((0, 2)), Some(&Data::String("Jumlah".into())));
    assert_eq!(neraca.get((1, 2)), Some(&Data::Float(1_250_000.0)));
    assert_eq!(neraca.get((2, 1)), Some(&Data::String("=1+1".into())));
    assert_eq!(neraca.get((2, 2)), Some(&Data::Float(-75_000.0)));
    let members = book.worksheet_range("SHU per anggota 2026").unwrap();
    assert_eq!(members.get((1, 0)), Some(&Data::String("0012".into())));
    assert_eq!(members.get((1, 2)), Some(&Data::Float(9_999_999_999_999.0)));
    // The plain reader sees the first sheet, money as the digits people typed.
    let first = read(&bytes, "rat.xlsx").unwrap();
    assert_eq!(first.rows[0].1, ["101", "Kas", "1250000"]);
}

#[test]
fn sheet_names_excel_refuses_fall_back_to_the_default() {
    use calamine::Reader;
    let named = |name: &str| SheetOut {
        name: name.to_owned(),
        headers: vec!["a".to_owned()],
        ..SheetOut::default()
    };
    let bytes = write_workbook(&[named("Anggota"), named("anggota"), named("a/b")]);
    let book = calamine::open_workbook_auto_from_rs(Cursor::new(&bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["Anggota", "Sheet2", "Sheet3"]);
}

#[test]
fn csv_export_is_excel_friendly_and_reads_back() {
    let bytes = write_csv(
        &["nik", "nama", "telepon"],
        vec![vec![
            "…0001".to_owned(),
            "=HYPERLINK(\"x\")".to_owned(),
            "+62 812-3456-7890".to_owned(),
        ]]
        .into_iter(),
    );
    assert!(bytes.starts_with(BOM));
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{text}");
    assert!(
        text.contains(",+62 812-3456-7890"),
        "phone numbers are left alone: {text}"
    );
    let s = read(&bytes, "ekspor.csv").unwrap();
    assert_eq!(
        texts(&s.rows),
        [(2, vec!["…0001", "=HYPERLINK(\"x\")", "+62 812-3456-7890"])]
    );
}

#[test]
fn the_separator_is_guessed_from_the_header_line() {
    assert_eq!(separator(b"a;b;c\n1,5;2;3"), b';');
    assert_eq!(separator(b"a,b,c\n1;2"), b',');
    assert_eq!(separator(b"\"a;b\",c\n"), b',');
    assert_eq!(separator(b"a\tb\n"), b'\t');
    assert_eq!(separator(b"nik\n"), b',');
}
