"""The back office's pages, one module per area; every shop page goes through
:func:`cabas.backoffice.access.merchant_view`."""
