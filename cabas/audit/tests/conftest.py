from cabas.console.tests.fixtures import (  # noqa: F401
    isolated_defaults,
    operator_client,
    world_a,
    world_b,
)
