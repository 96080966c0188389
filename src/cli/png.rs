//! PNG figures: the SVG that plotters writes, rendered by resvg with the system's
//! fonts (plotters' own bitmap backend would need a font file compiled in).

use microcircuit::{Error, Result};
use resvg::{tiny_skia, usvg};

/// Renders an SVG document to PNG bytes at twice its size (sharp on high-density
/// screens and in documents).
pub fn from_svg(svg: &str) -> Result<Vec<u8>> {
    let err = |e: &dyn std::fmt::Display| Error::data("PNG figure", e.to_string());
    let mut opt = usvg::Options::default();
    opt.fontdb_mut().load_system_fonts();
    // plotters writes font-family="sans-serif"; map it to a sans font that exists
    // (fontdb's default, Arial, is rarely installed on Linux).
    let families: Vec<String> = opt
        .fontdb
        .faces()
        .flat_map(|f| f.families.iter().map(|(name, _)| name.clone()))
        .collect();
    let sans = [
        "DejaVu Sans",
        "Liberation Sans",
        "Noto Sans",
        "FreeSans",
        "Arial",
    ]
    .into_iter()
    .find(|want| families.iter().any(|f| f == want))
    .map(str::to_string)
    .or_else(|| families.first().cloned())
    .ok_or_else(|| err(&"no system fonts found (Debian: apt-get install fonts-dejavu-core)"))?;
    opt.fontdb_mut().set_sans_serif_family(sans);
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| err(&e))?;
    let scale = 2.0;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| err(&"empty figure"))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| err(&"figure too large"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| err(&e))
}
