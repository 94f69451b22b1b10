//! Writes each shipped letter, filled with its sample data, to a folder, to look at while
//! editing the templates: `cargo run -p desmigratif-pdf --example letters -- /tmp/surat`
//! (then e.g. `pdftoppm -png -r 80 /tmp/surat/domisili.pdf /tmp/surat/domisili`).

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "surat".to_owned());
    std::fs::create_dir_all(&dir).expect("create the output folder");
    for (kind, template) in desmigratif_pdf::TEMPLATES {
        let data = desmigratif_pdf::sample_data(kind);
        let url = data["verify"]["url"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        match desmigratif_pdf::render(template, &data, &url) {
            Ok(pdf) => {
                let path = format!("{dir}/{kind}.pdf");
                std::fs::write(&path, pdf).expect("write the PDF");
                println!("{path}");
            }
            Err(e) => eprintln!("{kind}: {e}"),
        }
    }
}
