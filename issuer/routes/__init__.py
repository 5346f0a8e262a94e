"""The issuer's HTTP routes, one module per resource; each route body is one store or vcred call."""
