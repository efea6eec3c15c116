// Placeholder: replaced by the reference-rule tests.
#include <gtest/gtest.h>
