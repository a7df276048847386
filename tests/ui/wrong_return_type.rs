use redis_script::redis_script;

#[redis_script("counter.lua")]
pub struct Counter;

fn run(con: &mut redis_script::redis::Connection) -> Result<(), redis_script::Error> {
    let total: String = Counter::call("visits", 1).invoke(con)?;
    println!("{total}");
    Ok(())
}

fn main() {}
