print("datastar-bench: not yet")
