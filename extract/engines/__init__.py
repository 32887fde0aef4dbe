"""The machinery the stages drive: page rendering, ruling lines found on a page image, and the
OCR runtime (models, detection, recognition). Engines know images and pixels, not notices."""
