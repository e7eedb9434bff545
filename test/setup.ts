// Tests read results, not the backend banner.
process.env.BERTLAB_QUIET = "1";
