//! Spreadsheets in and out: reads the CSV and XLSX files village offices keep their lists in,
//! and writes exports people open in Excel or LibreOffice. Kept apart from the rest because its
//! dependencies (a ZIP and XML stack) are heavy, and because it knows nothing of the domain: a
//! sheet is headers and rows of text; what the text means is the importer's business.
//!
//! Everything comes back as text. A number that Excel has already damaged (a 16-digit NIK typed
//! as a number keeps only 15 significant digits; a CSV saved by Excel may hold `3.21216E+15`) is
//! not guessed at: the cell is listed in [`Sheet::problems`] so the importer can say so.

use std::io::Cursor;

/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 200_000;
/// The most columns one sheet may span; the widest import has a few dozen.
pub const MAX_COLUMNS: usize = 200;
/// The most cells the rectangle spanned by a workbook's used cells may hold: that rectangle is
/// what the reader allocates, so it is bounded, not only the rows that hold data.
pub const MAX_CELLS: usize = 4_000_000;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

/// A sheet read from a file: the header row and the data rows under it, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    /// The cells of the first non-empty row, trimmed.
    pub headers: Vec<String>,
    /// `(row number as the file shows it, header row = 1, cells)`; blank rows are left out.
    /// Every row has exactly `headers.len()` cells.
    pub rows: Vec<(usize, Vec<String>)>,
    /// Cells whose value cannot be trusted (see the module documentation).
    pub problems: Vec<CellProblem>,
}

/// One cell the reader could not turn into trustworthy text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    /// Row number as the file shows it.
    pub row: usize,
    /// 0-based column; may be `>= headers.len()` for data beside the last titled column.
    pub column: usize,
    /// What is wrong, in Indonesian.
    pub message: String,
}

/// Why a file could not be read at all. Messages are Indonesian: they reach people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error(
        "berkas «{0}» bukan lembar kerja yang dikenal; unggah berkas .xlsx atau .csv (Excel: Simpan Sebagai → Buku Kerja Excel atau CSV UTF-8)"
    )]
    NotSpreadsheet(String),
    #[error("berkas «{0}» kosong: tidak ada baris judul kolom")]
    Empty(String),
    #[error("berkas «{0}» hanya berisi judul kolom, tanpa baris data")]
    NoData(String),
    #[error("berkas berisi lebih dari {limit} baris data; bagi menjadi beberapa berkas", limit = format_thousands(MAX_ROWS))]
    TooManyRows,
    #[error(
        "berkas berisi data sampai kolom ke-{0}; paling banyak {MAX_COLUMNS} kolom — hapus isi kolom di kanan tabel"
    )]
    TooManyColumns(usize),
    #[error(
        "lembar kerja membentang {rows} baris × {columns} kolom, terlalu luas; hapus isi sel yang jauh di bawah atau di kanan tabel, atau bagi menjadi beberapa berkas"
    )]
    TooWide { rows: usize, columns: usize },
    #[error(
        "baris {row} bukan teks UTF-8; di Excel simpan ulang sebagai «CSV UTF-8 (dibatasi koma)»"
    )]
    Encoding { row: usize },
    #[error("berkas «{name}» rusak atau tidak dapat dibaca: {reason}")]
    Unreadable { name: String, reason: String },
}

fn format_thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// Old binary Excel (.xls) and other OLE compound files.
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads a spreadsheet. The format is judged from the content: a ZIP container is a workbook
/// (XLSX, or ODS), an OLE container an old `.xls`; anything else must be CSV text with `,`, `;`
/// or tab between cells (Indonesian Excel writes `;`), UTF-8 with or without a BOM.
/// `file_name` is only used in messages.
pub fn read(bytes: &[u8], file_name: &str) -> Result<Sheet, SheetError> {
    let name = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .to_owned();
    let grid = if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC) {
        read_workbook(bytes, &name)?
    } else {
        read_csv(bytes, &name)?
    };
    into_sheet(grid, &name)
}

/// Cells by row before the header is picked: `(row number, cells)` plus problems.
struct Grid {
    rows: Vec<(usize, Vec<String>)>,
    problems: Vec<CellProblem>,
}

fn into_sheet(grid: Grid, name: &str) -> Result<Sheet, SheetError> {
    let mut rows = grid
        .rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let (header_row, mut headers) = rows
        .next()
        .ok_or_else(|| SheetError::Empty(name.to_owned()))?;
    headers.iter_mut().for_each(|h| *h = h.trim().to_owned());
    while headers.last().is_some_and(String::is_empty) {
        headers.pop();
    }
    let width = headers.len();
    let mut problems: Vec<CellProblem> = grid
        .problems
        .into_iter()
        .filter(|p| p.row != header_row)
        .collect();
    let mut data = Vec::new();
    for (row, mut cells) in rows {
        if data.len() == MAX_ROWS {
            return Err(SheetError::TooManyRows);
        }
        for (column, extra) in cells.iter().enumerate().skip(width) {
            if !extra.trim().is_empty() {
                problems.push(CellProblem {
                    row,
                    column,
                    message: "ada isi di kolom tanpa judul; beri judul kolomnya atau hapus isinya"
                        .into(),
                });
            }
        }
        cells.resize(width, String::new());
        data.push((row, cells));
    }
    if data.is_empty() {
        return Err(SheetError::NoData(name.to_owned()));
    }
    problems.sort_by_key(|p| (p.row, p.column));
    Ok(Sheet {
        headers,
        rows: data,
        problems,
    })
}

/// `3.21216E+15`, the way Excel shows a long number it has rounded: the digits are gone.
fn looks_scientific(s: &str) -> bool {
    let s = s.trim();
    let Some((mantissa, exponent)) = s.split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    !mantissa.is_empty()
        && mantissa
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && mantissa.chars().next().is_some_and(|c| c.is_ascii_digit())
        && !exponent.is_empty()
        && exponent.chars().all(|c| c.is_ascii_digit())
}

const SCIENTIFIC: &str = "angka tertulis sebagai «{v}»: Excel sudah membulatkannya dan digit aslinya hilang; \
                          format kolom ini sebagai Teks lalu ketik ulang angkanya";
const ROUNDED: &str = "angka {v} lebih dari 15 digit dan disimpan Excel sebagai bilangan, sehingga digit terakhirnya \
                       dibulatkan; format kolom ini sebagai Teks lalu ketik ulang angkanya";

fn read_csv(bytes: &[u8], name: &str) -> Result<Grid, SheetError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if bytes.iter().take(8192).any(|b| *b == 0) {
        return Err(SheetError::NotSpreadsheet(name.to_owned()));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator(bytes))
        .from_reader(bytes);
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut seen = 0usize;
    // Line numbers are counted here: the csv crate skips blank lines and reports positions
    // before the terminator of the previous record is consumed.
    let (mut line, mut counted) = (1usize, 0usize);
    loop {
        let start = reader.position().byte() as usize;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(SheetError::Unreadable {
                    name: name.to_owned(),
                    reason: e.to_string(),
                });
            }
        }
        let first = start
            + bytes
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        line += bytes
            .get(counted..first)
            .unwrap_or_default()
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted = counted.max(first);
        let row = line;
        let mut cells = Vec::with_capacity(record.len());
        for (column, field) in record.iter().enumerate() {
            let text = std::str::from_utf8(field).map_err(|_| SheetError::Encoding { row })?;
            // A leading apostrophe is how people (and our exports) keep Excel from reading a cell
            // as a number or formula; it is not part of the value.
            let text = match text.strip_prefix('\'') {
                Some(rest)
                    if rest.starts_with(|c: char| c.is_ascii_digit() || "=+-@".contains(c)) =>
                {
                    rest
                }
                _ => text,
            };
            if looks_scientific(text) {
                problems.push(CellProblem {
                    row,
                    column,
                    message: SCIENTIFIC.replace("{v}", text.trim()),
                });
            }
            cells.push(text.to_owned());
        }
        if cells.iter().any(|c| !c.trim().is_empty()) {
            seen += 1;
            // Header + MAX_ROWS data rows; one more is too many, without reading the rest.
            if seen > MAX_ROWS + 1 {
                return Err(SheetError::TooManyRows);
            }
        }
        rows.push((row, cells));
    }
    Ok(Grid { rows, problems })
}

/// `;` or tab when the first non-blank line has more of them than commas (outside quotes), else `,`.
fn separator(bytes: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    let first_line = bytes
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| **b != b'\n' && **b != b'\r');
    for &b in first_line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|i| (counts[*i], std::cmp::Reverse(*i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

fn read_workbook(bytes: &[u8], name: &str) -> Result<Grid, SheetError> {
    use calamine::{Data, Reader};
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|_| SheetError::NotSpreadsheet(name.to_owned()))?;
    if let calamine::Sheets::Xlsx(xlsx) = &mut book {
        check_xlsx_extent(xlsx, name)?;
    }
    let range = match book.worksheet_range_at(0) {
        None => return Err(SheetError::Empty(name.to_owned())),
        Some(r) => r.map_err(|e| SheetError::Unreadable {
            name: name.to_owned(),
            reason: e.to_string(),
        })?,
    };
    let Some((first_row, first_col)) = range.start() else {
        return Err(SheetError::Empty(name.to_owned()));
    };
    if range.height() > MAX_ROWS + 1
        && range
            .rows()
            .filter(|r| r.iter().any(|c| !cell_is_blank(c)))
            .count()
            > MAX_ROWS + 1
    {
        return Err(SheetError::TooManyRows);
    }
    // Cells left of the used range are empty; keep columns aligned with what the user sees.
    let pad = first_col as usize;
    let mut rows = Vec::with_capacity(range.height());
    let mut problems = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let row = first_row as usize + i + 1;
        let mut out = vec![String::new(); pad];
        for (j, cell) in cells.iter().enumerate() {
            let column = pad + j;
            let text = match cell {
                Data::Empty => String::new(),
                Data::String(s) => {
                    if looks_scientific(s) {
                        problems.push(CellProblem {
                            row,
                            column,
                            message: SCIENTIFIC.replace("{v}", s.trim()),
                        });
                    }
                    s.clone()
                }
                Data::Int(n) => n.to_string(),
                Data::Float(f) => {
                    let (text, trusted) = number_text(*f);
                    if !trusted {
                        problems.push(CellProblem {
                            row,
                            column,
                            message: ROUNDED.replace("{v}", &text),
                        });
                    }
                    text
                }
                Data::Bool(b) => if *b { "ya" } else { "tidak" }.to_owned(),
                Data::DateTime(d) if d.is_duration() => number_text(d.as_f64()).0,
                Data::DateTime(d) => {
                    let (y, m, day, ..) = d.to_ymd_hms_milli();
                    format!("{y:04}-{m:02}-{day:02}")
                }
                Data::DateTimeIso(s) => s
                    .get(..10)
                    .filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
                    .unwrap_or(s)
                    .to_owned(),
                Data::DurationIso(s) => s.clone(),
                Data::Error(e) => {
                    problems.push(CellProblem {
                        row,
                        column,
                        message: format!(
                            "sel berisi galat Excel ({e}); perbaiki rumusnya atau ketik nilainya"
                        ),
                    });
                    String::new()
                }
            };
            out.push(text);
        }
        rows.push((row, out));
    }
    Ok(Grid { rows, problems })
}

/// Walks the first sheet's cells one by one, keeping only their bounds, and refuses a sheet
/// whose used rectangle is beyond the limits: calamine allocates that whole rectangle, so one
/// cell at `XFD1048576` beside `A1` would ask for half a terabyte. The declared `<dimension>`
/// is not trusted either way.
fn check_xlsx_extent<RS: std::io::Read + std::io::Seek>(
    book: &mut calamine::Xlsx<RS>,
    name: &str,
) -> Result<(), SheetError> {
    use calamine::{DataRef, Reader};
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return Ok(());
    };
    let unreadable = |e: calamine::XlsxError| SheetError::Unreadable {
        name: name.to_owned(),
        reason: e.to_string(),
    };
    let mut cells = match book.worksheet_cells_reader(&sheet) {
        Ok(cells) => cells,
        // Left to the full read, which reports these the way it always has.
        Err(_) => return Ok(()),
    };
    let (mut top, mut bottom, mut left, mut right) = (u32::MAX, 0u32, u32::MAX, 0u32);
    let (mut filled_rows, mut last_filled) = (0usize, None);
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let blank = match cell.get_value() {
            DataRef::Empty => true,
            DataRef::String(s) => s.trim().is_empty(),
            DataRef::SharedString(s) => s.trim().is_empty(),
            _ => false,
        };
        if blank {
            continue;
        }
        let (row, column) = cell.get_position();
        if column as usize >= MAX_COLUMNS {
            return Err(SheetError::TooManyColumns(column as usize + 1));
        }
        if last_filled != Some(row) {
            last_filled = Some(row);
            filled_rows += 1;
            if filled_rows > MAX_ROWS + 1 {
                return Err(SheetError::TooManyRows);
            }
        }
        (top, bottom) = (top.min(row), bottom.max(row));
        (left, right) = (left.min(column), right.max(column));
        let rows = (bottom - top) as usize + 1;
        let columns = (right - left) as usize + 1;
        if rows.saturating_mul(columns) > MAX_CELLS {
            return Err(SheetError::TooWide { rows, columns });
        }
    }
    Ok(())
}

fn cell_is_blank(c: &calamine::Data) -> bool {
    match c {
        calamine::Data::Empty => true,
        calamine::Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A spreadsheet number as people typed it: integers without `.0` or an exponent. The second
/// value is false when the number has more than 15 significant digits, which Excel cannot keep.
fn number_text(f: f64) -> (String, bool) {
    if f.is_finite() && f.fract() == 0.0 {
        let trusted = f.abs() < 1e15;
        // Display of f64 never uses an exponent and drops the ".0" of whole numbers.
        (format!("{f}"), trusted)
    } else {
        (format!("{f}"), true)
    }
}

/// Writes a CSV file: UTF-8 with a BOM (so Excel recognises the encoding), comma-separated, every
/// field quoted where needed. A cell starting with `=`, `@`, or `+`/`-` followed by more than a
/// phone number gets a leading apostrophe, so Excel shows it instead of running it as a formula.
pub fn write_csv(headers: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut out = BOM.to_vec();
    {
        let mut w = csv::WriterBuilder::new().from_writer(&mut out);
        w.write_record(headers).expect("writing to memory");
        for row in rows {
            w.write_record(row.iter().map(|c| neutralise(c).into_owned().into_bytes()))
                .expect("writing to memory");
        }
        w.flush().expect("writing to memory");
    }
    out
}

/// Keeps a cell from being read as a formula by a spreadsheet (CSV injection).
fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = match cell.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !cell[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-'),
        _ => false,
    };
    if risky {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// One sheet of a workbook to write with [`write_workbook`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetOut {
    /// The tab's name. One Excel refuses (`[]:*?/\`, over 31 characters, or a name already
    /// used in the workbook) falls back to the default ("Sheet2").
    pub name: String,
    /// Written bold in the first row, which stays in view when scrolling.
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// 0-based columns (NIK, KK, phone…) formatted as Text for the whole column, so Excel
    /// neither rounds the numbers written here nor the ones people type in later.
    pub text_columns: Vec<usize>,
}

/// A cell to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Stored as a string cell: never run as a formula, whatever it starts with.
    Text(String),
    /// Whole rupiah, stored as a number formatted `#,##0` so Excel can sum the column.
    Money(i64),
}

/// Writes an XLSX workbook, one worksheet per sheet in order: each with a bold, frozen header
/// row and columns as wide as their contents (up to a limit). Empty text cells are left blank.
pub fn write_workbook(sheets: &[SheetOut]) -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let money = Format::new().set_num_format("#,##0");
    let mut names: Vec<String> = Vec::new();
    for out in sheets {
        let sheet = book.add_worksheet();
        // A duplicate name would only fail when the workbook is saved; catch it here instead.
        let name = out.name.to_lowercase();
        if !names.contains(&name) && sheet.set_name(&out.name).is_ok() {
            names.push(name);
        }
        let mut widths: Vec<usize> = out.headers.iter().map(|h| h.chars().count()).collect();
        for (c, h) in out.headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, h, &bold)
                .expect("header within limits");
        }
        for &c in &out.text_columns {
            sheet
                .set_column_format(c as u16, &text)
                .expect("column within limits");
        }
        for (r, row) in out.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let col = c as u16;
                let (written, width) = match cell {
                    Cell::Text(value) if value.is_empty() => continue,
                    Cell::Text(value) if out.text_columns.contains(&c) => (
                        sheet.write_string_with_format(r, col, value, &text),
                        value.chars().count(),
                    ),
                    Cell::Text(value) => (sheet.write_string(r, col, value), value.chars().count()),
                    // XLSX keeps every number as an f64, exact for whole numbers up to 2^53
                    // (about Rp9 ribu triliun), far beyond any amount the program accepts.
                    Cell::Money(amount) => (
                        sheet.write_number_with_format(r, col, *amount as f64, &money),
                        format_thousands(amount.unsigned_abs() as usize).len()
                            + usize::from(*amount < 0),
                    ),
                };
                written.expect("cell within limits");
                if let Some(w) = widths.get_mut(c) {
                    *w = (*w).max(width);
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            sheet
                .set_column_width(c as u16, (*w as f64 + 2.0).min(60.0))
                .expect("column within limits");
        }
        sheet.set_freeze_panes(1, 0).expect("valid pane");
    }
    book.save_to_buffer().expect("writing a workbook to memory")
}

/// Writes an XLSX workbook with one sheet of text ([`write_workbook`] with [`Cell::Text`]
/// cells): a bold, frozen header row, then the rows. The `text_columns` are as in
/// [`SheetOut::text_columns`].
pub fn write_xlsx(
    sheet_name: &str,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    text_columns: &[usize],
) -> Vec<u8> {
    write_workbook(&[SheetOut {
        name: sheet_name.to_owned(),
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows: rows
            .map(|row| row.into_iter().map(Cell::Text).collect())
            .collect(),
        text_columns: text_columns.to_vec(),
    }])
}

#[cfg(test)]
mod tests;
