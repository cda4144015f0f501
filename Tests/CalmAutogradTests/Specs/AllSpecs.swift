/// Every spec table; each family's cases live in Fixtures/<family>_ops.json.
let allOpSpecs: [OpSpec] = basicOpSpecs + nnOpSpecs
