"""Budget and final-accounts tables (预算、决算): reading them out of grids and checking them."""
