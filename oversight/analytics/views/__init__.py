"""Pages of comparison models, one module per area: sources and imports, the library, runs,
warnings and clues. Views validate and delegate to services and selectors."""
