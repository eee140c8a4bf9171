from cabas.orders.tests.concurrency import use_file_sqlite_for_tests


def pytest_configure(config):
    use_file_sqlite_for_tests()
