"""The deterministic sample park (示意数据): ``park.build_sample_park`` builds every layer."""
