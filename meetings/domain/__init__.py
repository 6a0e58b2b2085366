"""Domain functions: the rules of the service. Each owns its transaction; views only call them."""
