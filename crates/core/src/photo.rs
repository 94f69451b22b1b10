//! Product photos: an upload (JPEG, PNG or WebP, judged from its first bytes) is decoded, turned
//! upright by its EXIF orientation, shrunk to a detail picture and a list thumbnail with the
//! aspect kept, and re-encoded as baseline JPEG. Only pixels travel from the upload to the
//! output, so no metadata (EXIF GPS, camera, comments, colour profiles) survives.
//!
//! Pure bytes-in, bytes-out, so it lives in `core` where it is unit-tested without a server, and
//! the demo loader (`db`) makes its pictures with the same encoder as uploads.

use crate::Invalid;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, Rgb, RgbImage};
use std::io::Cursor;

/// The largest upload accepted, before it is shrunk.
pub const MAX_UPLOAD: usize = 8 * 1024 * 1024;
/// The long side of the detail picture, in pixels.
pub const DETAIL_SIDE: u32 = 800;
/// The long side of the list thumbnail, in pixels.
pub const THUMB_SIDE: u32 = 240;
/// The thumbnail is re-encoded at lower quality until it fits: lists show many on a phone.
pub const THUMB_BYTES: usize = 12 * 1024;
/// Likewise for the detail picture.
pub const DETAIL_BYTES: usize = 120 * 1024;
/// Pictures larger than this on either side are refused before their pixels are decoded.
const MAX_SIDE: u32 = 12_000;
/// Pictures of more pixels than this (a 40-megapixel camera; phones save 12) are refused from
/// their header: decoded, one would take 160 MB before it is shrunk.
pub const MAX_PIXELS: u64 = 40_000_000;
/// What the decoder may allocate for one picture, whatever its header claims.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

const FIELD: &str = "foto";

/// One re-encoded JPEG and its size in pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jpeg {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// What is stored for an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub detail: Jpeg,
    pub thumb: Jpeg,
}

/// The format of an upload by its first bytes; the file's name and declared type are ignored.
fn sniff(data: &[u8]) -> Option<ImageFormat> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if data.len() > 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

/// Checks, decodes and shrinks an upload. Every refusal says what to do in Indonesian.
pub fn prepare(data: &[u8]) -> Result<Prepared, Invalid> {
    if data.is_empty() {
        return Err(Invalid::new(FIELD, "pilih foto yang akan diunggah"));
    }
    if data.len() > MAX_UPLOAD {
        return Err(Invalid::new(
            FIELD,
            "foto lebih dari 8 MB; kecilkan dulu (mis. kirim lewat WhatsApp ke diri sendiri lalu simpan)",
        ));
    }
    let format = sniff(data).ok_or_else(|| {
        Invalid::new(
            FIELD,
            "berkas ini bukan foto JPEG, PNG atau WebP (jenis dilihat dari isinya, bukan dari namanya)",
        )
    })?;
    let unreadable = || Invalid::new(FIELD, "foto rusak atau tidak dapat dibaca; coba foto lain");
    let mut reader = ImageReader::with_format(Cursor::new(data), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let too_big = || {
        Invalid::new(
            FIELD,
            "foto terlalu besar (paling banyak 40 megapiksel); kecilkan dulu lalu unggah lagi",
        )
    };
    let refused = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => too_big(),
        _ => unreadable(),
    };
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(too_big());
    }
    // A phone stores "turn me" beside the pixels instead of turning them; the output has no
    // place for that note, so the pixels are turned first. A broken note is ignored.
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(refused)?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    Ok(from_image(img))
}

/// Shrinks a decoded picture to the detail and thumbnail sizes and encodes both.
pub fn from_image(img: DynamicImage) -> Prepared {
    let rgb = flatten(img);
    let detail = fit(&rgb, DETAIL_SIDE);
    let thumb = fit(&detail, THUMB_SIDE);
    Prepared {
        detail: encode(&detail, &[82, 70, 55, 40], DETAIL_BYTES),
        thumb: encode(&thumb, &[75, 60, 45, 30], THUMB_BYTES),
    }
}

/// RGB without transparency: a transparent PNG is laid on white, as it would look on the page.
fn flatten(img: DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.into_rgb8();
    }
    let rgba = img.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u16::from(p[3]);
        let mix = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        Rgb([mix(p[0]), mix(p[1]), mix(p[2])])
    })
}

/// The picture with its long side at most `side`, aspect kept; never enlarged.
fn fit(img: &RgbImage, side: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    if w <= side && h <= side {
        return img.clone();
    }
    let (nw, nh) = if w >= h {
        (
            side,
            ((h as u64 * side as u64 + w as u64 / 2) / w as u64).max(1) as u32,
        )
    } else {
        (
            ((w as u64 * side as u64 + h as u64 / 2) / h as u64).max(1) as u32,
            side,
        )
    };
    image::imageops::resize(img, nw, nh, FilterType::Triangle)
}

/// JPEG at the first quality that fits `budget` (the last one otherwise).
fn encode(img: &RgbImage, qualities: &[u8], budget: usize) -> Jpeg {
    let mut bytes = Vec::new();
    for &q in qualities {
        bytes.clear();
        JpegEncoder::new_with_quality(&mut bytes, q)
            .encode_image(img)
            .expect("encoding RGB into memory cannot fail");
        if bytes.len() <= budget {
            break;
        }
    }
    Jpeg {
        bytes,
        width: img.width(),
        height: img.height(),
    }
}

/// How pictures are kept in the database: backups are JSON lines, so bytes travel as text.
pub fn to_text(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The bytes of a stored picture; `None` when the text was edited outside the application.
pub fn from_text(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// A demo picture made in code: two colours blended across the frame with soft rings, so each
/// demo product has its own recognisable image without shipping any file.
pub fn demo(seed: u32) -> Prepared {
    from_image(DynamicImage::ImageRgb8(pattern(seed, 480, 360)))
}

/// A demo picture of any size as a camera hands it over (full size, JPEG), for trying uploads.
pub fn demo_upload(seed: u32, width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&pattern(seed, width, height))
        .expect("encoding RGB into memory cannot fail");
    bytes
}

fn pattern(seed: u32, w: u32, h: u32) -> RgbImage {
    let base = [
        [214, 140, 69],
        [229, 193, 88],
        [120, 170, 90],
        [196, 98, 70],
        [150, 110, 80],
        [90, 140, 170],
        [200, 160, 120],
    ];
    let a = base[seed as usize % base.len()];
    let b = base[(seed as usize * 3 + 2) % base.len()];
    let (cx, cy) = (
        (w / 4 + seed * 53 % (w / 2).max(1)) as f32,
        (h / 4 + seed * 37 % (h / 2).max(1)) as f32,
    );
    RgbImage::from_fn(w, h, |x, y| {
        let t = (x + y) as f32 / (w + h) as f32;
        let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
        let ring = if ((d / 24.0) as u32).is_multiple_of(2) {
            1.0
        } else {
            0.85
        };
        let mix = |i: usize| ((a[i] as f32 * (1.0 - t) + b[i] as f32 * t) * ring) as u8;
        Rgb([mix(0), mix(1), mix(2)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG of `w`×`h` with an APP1 Exif segment carrying an orientation (6: turn 90° right)
    /// and a GPS block with a latitude, as phone cameras write them.
    fn jpeg_with_exif(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, _| Rgb([(x % 256) as u8, 90, 160]));
        let mut plain = Vec::new();
        JpegEncoder::new_with_quality(&mut plain, 90)
            .encode_image(&img)
            .unwrap();
        // TIFF, big-endian: IFD0 at 8 with Orientation=6 and the GPS IFD pointer (at 38);
        // the GPS IFD has GPSLatitudeRef "S" and GPSLatitude as three rationals at 68.
        let mut tiff: Vec<u8> = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
        tiff.extend([0, 2]); // two entries
        tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation SHORT 6
        tiff.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]); // GPS IFD pointer
        tiff.extend([0, 0, 0, 0]); // no next IFD
        assert_eq!(tiff.len(), 38);
        tiff.extend([0, 2]);
        tiff.extend([0x00, 0x01, 0, 2, 0, 0, 0, 2, b'S', 0, 0, 0]); // GPSLatitudeRef
        tiff.extend([0x00, 0x02, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]); // GPSLatitude
        tiff.extend([0, 0, 0, 0]);
        assert_eq!(tiff.len(), 68);
        for (n, d) in [(6u32, 1u32), (19, 1), (4321, 100)] {
            tiff.extend(n.to_be_bytes());
            tiff.extend(d.to_be_bytes());
        }
        let mut app1 = b"Exif\x00\x00".to_vec();
        app1.extend(&tiff);
        let len = (app1.len() + 2) as u16;
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
        out.extend(len.to_be_bytes());
        out.extend(&app1);
        out.extend(&plain[2..]);
        out
    }

    /// The markers of a JPEG's header segments, up to the start of the picture data.
    fn segments(jpeg: &[u8]) -> Vec<u8> {
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        let mut i = 2;
        let mut markers = Vec::new();
        while i + 4 <= jpeg.len() && jpeg[i] == 0xFF {
            let m = jpeg[i + 1];
            markers.push(m);
            if m == 0xDA {
                break;
            }
            let len = u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]) as usize;
            i += 2 + len;
        }
        markers
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn metadata_is_dropped_and_the_picture_turned_and_shrunk() {
        let upload = jpeg_with_exif(1600, 1000);
        assert!(segments(&upload).contains(&0xE1) && contains(&upload, b"Exif"));
        let p = prepare(&upload).unwrap();
        for out in [&p.detail, &p.thumb] {
            let markers = segments(&out.bytes);
            assert!(!markers.contains(&0xE1), "APP1 left: {markers:x?}");
            assert!(!contains(&out.bytes, b"Exif") && !contains(&out.bytes, b"MM\x00\x2a"));
            assert_eq!(markers.last(), Some(&0xDA));
        }
        // Orientation 6 stood the landscape picture upright: 1000×1600 → 500×800 and 150×240.
        assert_eq!((p.detail.width, p.detail.height), (500, 800));
        assert_eq!((p.thumb.width, p.thumb.height), (150, 240));
        assert!(p.thumb.bytes.len() <= THUMB_BYTES && p.detail.bytes.len() <= DETAIL_BYTES);
        let back = image::load_from_memory(&p.detail.bytes).unwrap();
        assert_eq!((back.width(), back.height()), (500, 800));
    }

    #[test]
    fn png_and_webp_are_accepted_small_pictures_are_not_enlarged() {
        let img = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            300,
            200,
            image::Rgba([10, 200, 30, 0]),
        ));
        let mut png = Vec::new();
        img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let p = prepare(&png).unwrap();
        assert_eq!((p.detail.width, p.detail.height), (300, 200));
        assert_eq!((p.thumb.width, p.thumb.height), (240, 160));
        // Transparent pixels become white, not black.
        let back = image::load_from_memory(&p.thumb.bytes).unwrap().into_rgb8();
        assert!(back.get_pixel(5, 5).0.iter().all(|&c| c > 240));
        let mut webp = Vec::new();
        DynamicImage::ImageRgb8(RgbImage::from_pixel(64, 64, Rgb([1, 2, 3])))
            .write_to(&mut Cursor::new(&mut webp), ImageFormat::WebP)
            .unwrap();
        assert_eq!(prepare(&webp).unwrap().detail.width, 64);
    }

    /// A PNG whose header claims `w × h` pixels, with no pixels at all.
    fn png_claiming(w: u32, h: u32) -> Vec<u8> {
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let crc = crc32(&ihdr);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc.to_be_bytes());
        // An empty data chunk: the reader looks for the first one before it answers the size.
        png.extend_from_slice(&0u32.to_be_bytes());
        png.extend_from_slice(b"IDAT");
        png.extend_from_slice(&crc32(b"IDAT").to_be_bytes());
        png
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn anything_else_is_refused_in_indonesian() {
        for (data, words) in [
            (
                b"%PDF-1.7 bukan foto".to_vec(),
                "bukan foto JPEG, PNG atau WebP",
            ),
            (b"GIF89a......".to_vec(), "bukan foto JPEG, PNG atau WebP"),
            (Vec::new(), "pilih foto"),
            (vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 3, 0, 0, 0], "rusak"),
            (vec![0xFF; MAX_UPLOAD + 1], "lebih dari 8 MB"),
            // 8,000 × 6,000 declared in a few bytes: refused from the header, nothing decoded.
            (
                png_claiming(8_000, 6_000),
                "terlalu besar (paling banyak 40 megapiksel)",
            ),
            (png_claiming(12_001, 10), "terlalu besar"),
        ] {
            let e = prepare(&data).unwrap_err();
            assert_eq!(e.field, "foto");
            assert!(e.message.contains(words), "{}", e.message);
        }
    }

    #[test]
    fn demo_pictures_fit_the_budgets() {
        for seed in 0..14 {
            let p = demo(seed);
            assert_eq!((p.detail.width, p.detail.height), (480, 360));
            assert_eq!((p.thumb.width, p.thumb.height), (240, 180));
            assert!(
                p.thumb.bytes.len() <= THUMB_BYTES,
                "{}",
                p.thumb.bytes.len()
            );
        }
    }
}
