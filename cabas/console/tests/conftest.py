from cabas.console.tests.fixtures import (  # noqa: F401
    fast_password_hashing,
    operator_client,
    world_a,
    world_b,
)
