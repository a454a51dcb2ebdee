# The two README commands, plus the sanitizer run CI adds.
.PHONY: example test test-sanitize bench clean
example:
	scripts/run_example.sh
test:
	scripts/run_tests.sh
test-sanitize:
	BUILD=build-asan SANITIZE=address,undefined scripts/run_tests.sh
bench:
	scripts/run_bench.sh
clean:
	rm -rf build build-asan build.configure.log build-asan.configure.log
