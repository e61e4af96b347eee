// The CTest fixture of the PostgreSQL tests (decision 0037): `start FILE` makes one throwaway
// cluster for every test process of the run and writes its folder to FILE; `stop FILE` stops it
// and removes it. Tests find it through FR_TEST_POSTGRES_CLUSTER=FILE.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "support/postgres_cluster.hpp"

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "start" && std::string(argv[1]) != "stop")) {
    std::cerr << "usage: fr_postgres_cluster start|stop FILE\n";
    return 2;
  }
  const std::filesystem::path file = argv[2];
  try {
    if (std::string(argv[1]) == "start") {
      // A cluster a killed run left behind goes first.
      if (std::filesystem::exists(file)) {
        std::string folder;
        std::getline(std::ifstream(file), folder);
        try {
          fr::testing::PostgresCluster::Attach(folder)->TakeOwnership();
        } catch (const std::exception&) {
        }
      }
      auto cluster = fr::testing::PostgresCluster::Create();
      std::ofstream(file) << cluster->folder().string() << "\n";
      cluster->KeepRunning();
      std::cout << "PostgreSQL test cluster at " << cluster->Url("postgres") << " in "
                << cluster->folder() << "\n";
    } else {
      std::string folder;
      std::getline(std::ifstream(file), folder);
      fr::testing::PostgresCluster::Attach(folder)->TakeOwnership();
      std::filesystem::remove(file);
    }
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return 1;
  }
  return 0;
}
