#include "metadata/topic_names.h"

#include <gtest/gtest.h>

#include "metadata/cluster_image.h"

namespace gregor::metadata {
namespace {

TEST(TopicNames, ValidNames) {
  for (const char* name :
       {"a", "orders", "my.topic", "my_topic", "my-topic", "A.b_C-9", "__consumer_offsets", "..."})
    EXPECT_EQ(validate_topic_name(name), std::nullopt) << name;
  EXPECT_EQ(validate_topic_name(std::string(249, 'x')), std::nullopt);
}

TEST(TopicNames, InvalidNames) {
  EXPECT_EQ(validate_topic_name(""), "Topic name is illegal, it can't be empty");
  EXPECT_EQ(validate_topic_name("."), "Topic name cannot be \".\" or \"..\"");
  EXPECT_EQ(validate_topic_name(".."), "Topic name cannot be \".\" or \"..\"");
  auto too_long = validate_topic_name(std::string(250, 'x'));
  ASSERT_TRUE(too_long.has_value());
  EXPECT_NE(too_long->find("can't be longer than 249 characters"), std::string::npos);
  for (const char* name : {"a b", "a/b", "a:b", "a*", "caf\xC3\xA9", "tab\t", "a,b", "a\\b"}) {
    auto err = validate_topic_name(name);
    ASSERT_TRUE(err.has_value()) << name;
    EXPECT_NE(err->find("contains a character other than ASCII alphanumerics, '.', '_' and '-'"),
              std::string::npos);
  }
}

TEST(TopicNames, Collisions) {
  EXPECT_TRUE(collides("a.b", "a_b"));
  EXPECT_TRUE(collides("a_b", "a.b"));
  EXPECT_TRUE(collides("a.b.c", "a_b.c"));
  EXPECT_TRUE(collides("same", "same"));
  EXPECT_FALSE(collides("a.b", "a-b"));
  EXPECT_FALSE(collides("a.b", "a.bc"));
  EXPECT_FALSE(collides("ab", "a_b"));
  EXPECT_EQ(collision_key("a.b_c.d"), "a_b_c_d");
}

TEST(ClusterImage, LookupsByNameIdAndCollision) {
  Uuid a = Uuid::random(), b = Uuid::random();
  auto image =
      ClusterImage::build({{"zeta", a, 3, {{"retention.ms", "1"}}}, {"alpha.beta", b, 1, {}}});
  ASSERT_EQ(image->size(), 2u);
  EXPECT_EQ(image->topics()[0].name, "alpha.beta");  // sorted by name
  EXPECT_EQ(image->topics()[1].name, "zeta");
  ASSERT_NE(image->find("zeta"), nullptr);
  EXPECT_EQ(image->find("zeta")->id, a);
  EXPECT_EQ(image->find("zeta")->configs.at("retention.ms"), "1");
  ASSERT_NE(image->find(b), nullptr);
  EXPECT_EQ(image->find(b)->name, "alpha.beta");
  EXPECT_EQ(image->find("nope"), nullptr);
  EXPECT_EQ(image->find(Uuid::random()), nullptr);
  ASSERT_NE(image->find_colliding("alpha_beta"), nullptr);
  EXPECT_EQ(image->find_colliding("alpha_beta")->name, "alpha.beta");
  EXPECT_EQ(image->find_colliding("alpha-beta"), nullptr);
  EXPECT_EQ(image->partition_count("zeta"), 3);
  EXPECT_EQ(image->partition_count("nope"), -1);
  EXPECT_EQ(ClusterImage::build({})->size(), 0u);
}

}  // namespace
}  // namespace gregor::metadata
