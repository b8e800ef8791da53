"""Framework glue. The core never imports a framework; these modules do."""
