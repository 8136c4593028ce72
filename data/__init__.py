"""Bundled data of incident-mapper: curated places, GeoNames subset, samples."""
