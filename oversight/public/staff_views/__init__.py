"""Staff pages of the public channel, one module per area (complaints and the dissatisfaction
ledger, style reports, the small-power list, posters, partners); ``staff_urls`` routes to them."""
