(module
 (type $0 (func (param i64 i64 i64) (result i64)))
 (type $1 (func (param i64 i32) (result i64)))
 (type $2 (func (param i32 i32 i32) (result i64)))
 (type $3 (func (result i64)))
 (type $4 (func (param i32) (result i64)))
 (type $5 (func (param i64) (result i64)))
 (type $6 (func (param i64 i64) (result i64)))
 (type $7 (func (param i32 i64 i64 i64) (result i64)))
 (type $8 (func))
 (global $stream_base i32 (i32.const 1114112))
 (memory $0 17)
 (table $handlers 13 13 (ref null $0) (ref.func $fallback.uniform))
 (elem declare func $adapter.seven $adapter.six $adapter.three $adapter.twelve $adapter.two $adapter.zero $handler.five $handler.nine)
 (export "memory" (memory $0))
 (export "h0" (func $adapter.zero))
 (export "h2" (func $adapter.two))
 (export "h3" (func $adapter.three))
 (export "h5" (func $handler.five))
 (export "h6" (func $adapter.six))
 (export "h7" (func $adapter.seven))
 (export "h9" (func $handler.nine))
 (export "h12" (func $adapter.twelve))
 (export "dispatch" (func $dispatch))
 (export "run" (func $run))
 (export "stream_base" (global $stream_base))
 (start $handlers.init)
 (func $0 (type $1) (param $0 i64) (param $1 i32) (result i64)
  (local $2 i32)
  (loop $label
   (if
    (i32.gt_s
     (local.get $1)
     (local.get $2)
    )
    (then
     (local.set $0
      (i64.add
       (i64.extend_i32_s
        (local.get $2)
       )
       (i64.mul
        (i64.add
         (i64.load
          (i32.add
           (i32.shl
            (i32.and
             (i32.xor
              (i32.wrap_i64
               (local.get $0)
              )
              (i32.wrap_i64
               (i64.shr_u
                (local.get $0)
                (i64.const 32)
               )
              )
             )
             (i32.const 16383)
            )
            (i32.const 6)
           )
           (i32.const 1024)
          )
         )
         (local.get $0)
        )
        (i64.const 6364136223846793005)
       )
      )
     )
     (local.set $2
      (i32.add
       (local.get $2)
       (i32.const 1)
      )
     )
     (br $label)
    )
   )
  )
  (local.get $0)
 )
 (func $1 (type $1) (param $0 i64) (param $1 i32) (result i64)
  (local $2 i32)
  (loop $label
   (if
    (i32.gt_s
     (local.get $1)
     (local.get $2)
    )
    (then
     (local.set $0
      (i64.add
       (i64.extend_i32_s
        (local.get $2)
       )
       (i64.mul
        (local.get $0)
        (i64.const 6364136223846793005)
       )
      )
     )
     (local.set $2
      (i32.add
       (local.get $2)
       (i32.const 1)
      )
     )
     (br $label)
    )
   )
  )
  (local.get $0)
 )
 (func $handler.zero (type $1) (param $0 i64) (param $1 i32) (result i64)
  (call $1
   (i64.mul
    (i64.xor
     (i64.mul
      (i64.xor
       (i64.const -7046029254386353131)
       (local.get $0)
      )
      (i64.const -4658895280553007687)
     )
     (i64.extend_i32_u
      (local.get $1)
     )
    )
    (i64.const -4658895280553007687)
   )
   (i32.const 2)
  )
 )
 (func $adapter.zero (type $0) (param $0 i64) (param $1 i64) (param $2 i64) (result i64)
  (call $handler.zero
   (local.get $0)
   (i32.wrap_i64
    (local.get $1)
   )
  )
 )
 (func $handler.two (type $3) (result i64)
  (i64.const -2691343689449507777)
 )
 (func $adapter.two (type $0) (param $0 i64) (param $1 i64) (param $2 i64) (result i64)
  (call $handler.two)
 )
 (func $handler.three (type $4) (param $0 i32) (result i64)
  (i64.mul
   (i64.xor
    (i64.const 8709371129873690708)
    (i64.extend_i32_u
     (local.get $0)
    )
   )
   (i64.const -4658895280553007687)
  )
 )
 (func $adapter.three (type $0) (param $0 i64) (param $1 i64) (param $2 i64) (result i64)
  (call $handler.three
   (i32.wrap_i64
    (local.get $0)
   )
  )
 )
 (func $handler.five (type $0) (param $0 i64) (param $1 i64) (param $2 i64) (result i64)
  (i64.mul
   (i64.xor
    (i64.mul
     (i64.xor
      (i64.mul
       (i64.xor
        (i64.const -5382687378899015554)
        (local.get $0)
       )
       (i64.const -4658895280553007687)
      )
      (local.get $1)
     )
     (i64.const -4658895280553007687)
    )
    (local.get $2)
   )
   (i64.const -4658895280553007687)
  )
 )
 (func $handler.six (type $5) (param $0 i64) (result i64)
  (call $0
   (i64.mul
    (i64.xor
     (i64.const 6018027440424182931)
     (local.get $0)
    )
    (i64.const -4658895280553007687)
   )
   (i32.const 3)
  )
 )
 (func $adapter.six (type $0) (param $0 i64) (param $1 i64) (param $2 i64) (result i64)
  (call $handler.six
   (local.get $0)
  )
 )
 (func $handler.seven (type $2) (param $0 i32) (param $1 i32) (param $2 i32) (result i64)
  (i64.mul
   (i64.xor
    (i64.mul
     (i64.xor
      (i64.mul
       (i64.xor
        (i64.const -1028001813962170200)
        (i64.extend_i32_u
         (local.get $0)
        )
       )
       (i64.const -4658895280553007687)
      )
      (i64.extend_i32_u
       (local.get $1)
      )
     )
     (i64.const -4658895280553007687)
    )
    (i64.extend_i32_u
     (local.get $2)
    )
   )
   (i64.const -4658895280553007687)
  )
 )
 (func $adapter.seven (type $0) (param $0 i64) (param $1 i64) (param $2 i64) (result i64)
  (call $handler.seven
   (i32.wrap_i64
    (local.get $0)
   )
   (i32.wrap_i64
    (local.get $1)
   )
   (i32.wrap_i64
    (local.get $2)
   )
  )
 )
 (func $handler.nine (type $0) (param $0 i64) (param $1 i64) (param $2 i64) (result i64)
  (i64.mul
   (i64.xor
    (i64.mul
     (i64.xor
      (i64.mul
       (i64.xor
        (i64.const 3326683750974675154)
        (local.get $0)
       )
       (i64.const -4658895280553007687)
      )
      (local.get $1)
     )
     (i64.const -4658895280553007687)
    )
    (local.get $2)
   )
   (i64.const -4658895280553007687)
  )
 )
 (func $handler.twelve (type $6) (param $0 i64) (param $1 i64) (result i64)
  (i64.mul
   (i64.xor
    (i64.mul
     (i64.xor
      (i64.const 635340061525167377)
      (local.get $0)
     )
     (i64.const -4658895280553007687)
    )
    (local.get $1)
   )
   (i64.const -4658895280553007687)
  )
 )
 (func $adapter.twelve (type $0) (param $0 i64) (param $1 i64) (param $2 i64) (result i64)
  (call $handler.twelve
   (local.get $0)
   (local.get $1)
  )
 )
 (func $fallback.uniform (type $0) (param $0 i64) (param $1 i64) (param $2 i64) (result i64)
  (i64.const -38)
 )
 (func $dispatch (type $7) (param $0 i32) (param $1 i64) (param $2 i64) (param $3 i64) (result i64)
  (local $4 i64)
  (local $5 i32)
  (block
   (if
    (i32.ge_u
     (local.get $0)
     (i32.const 13)
    )
    (then
     (return
      (i64.const -38)
     )
    )
   )
   (return
    (call_ref $0
     (local.get $1)
     (local.get $2)
     (local.get $3)
     (table.get $handlers
      (local.get $0)
     )
    )
   )
  )
 )
 (func $run (type $2) (param $0 i32) (param $1 i32) (param $2 i32) (result i64)
  (local $3 i32)
  (local $4 i32)
  (local $5 i64)
  (local $6 i64)
  (local.set $4
   (i32.add
    (local.get $0)
    (i32.shl
     (local.get $1)
     (i32.const 2)
    )
   )
  )
  (block $reps_done
   (loop $rep
    (br_if $reps_done
     (i32.eqz
      (local.get $2)
     )
    )
    (local.set $3
     (local.get $0)
    )
    (block $items_done
     (loop $item
      (br_if $items_done
       (i32.ge_u
        (local.get $3)
        (local.get $4)
       )
      )
      (local.set $6
       (i64.extend_i32_u
        (local.get $3)
       )
      )
      (local.set $5
       (i64.add
        (local.get $5)
        (call $dispatch
         (i32.load
          (local.get $3)
         )
         (local.get $6)
         (i64.add
          (local.get $6)
          (i64.const 1)
         )
         (i64.add
          (local.get $6)
          (i64.const 2)
         )
        )
       )
      )
      (local.set $3
       (i32.add
        (local.get $3)
        (i32.const 4)
       )
      )
      (br $item)
     )
    )
    (local.set $2
     (i32.sub
      (local.get $2)
      (i32.const 1)
     )
    )
    (br $rep)
   )
  )
  (local.get $5)
 )
 (func $handlers.init (type $8)
  (table.set $handlers
   (i32.const 0)
   (ref.func $adapter.zero)
  )
  (table.set $handlers
   (i32.const 2)
   (ref.func $adapter.two)
  )
  (table.set $handlers
   (i32.const 3)
   (ref.func $adapter.three)
  )
  (table.set $handlers
   (i32.const 5)
   (ref.func $handler.five)
  )
  (table.set $handlers
   (i32.const 6)
   (ref.func $adapter.six)
  )
  (table.set $handlers
   (i32.const 7)
   (ref.func $adapter.seven)
  )
  (table.set $handlers
   (i32.const 9)
   (ref.func $handler.nine)
  )
  (table.set $handlers
   (i32.const 12)
   (ref.func $adapter.twelve)
  )
 )
 ;; custom section "dispatch-lab", size 138, contents: "{\"tool\":\"dispatch-lab\",\"strategy\":\"table-ref\",\"spec\":\"tiny\",\"specHash\":\"b34c2574b09a60115b9922956208a43c97eee91896ff1c7939b3562f1e2c55e4\"}"
)
